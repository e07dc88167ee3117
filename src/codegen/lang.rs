//! The languages code is generated in, with what it takes to run a snippet of each.

/// A language of generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// curl in a POSIX shell (webhook checks: the openssl CLI).
    #[default]
    Curl,
    /// Python 3 with `requests` (webhook checks: `cryptography`).
    Python,
    /// Node.js 18+ with the built-in `fetch` and `crypto`.
    Node,
    /// PHP with the curl extension (webhook checks: openssl).
    Php,
    /// Java 11+ `java.net.http`, one source file run with `java Snippet.java`.
    Java,
    /// Go's `net/http`, run with `go run`.
    Go,
    /// C# top-level statements with `HttpClient` (.NET 6+).
    CSharp,
}

impl Lang {
    /// Every language, in the order the chooser lists them.
    pub const ALL: [Lang; 7] = [
        Lang::Curl,
        Lang::Python,
        Lang::Node,
        Lang::Php,
        Lang::Java,
        Lang::Go,
        Lang::CSharp,
    ];

    /// The name on the command line (`--code NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Python => "python",
            Lang::Node => "node",
            Lang::Php => "php",
            Lang::Java => "java",
            Lang::Go => "go",
            Lang::CSharp => "csharp",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Python => "Python (requests)",
            Lang::Node => "Node.js (fetch)",
            Lang::Php => "PHP (curl)",
            Lang::Java => "Java (java.net.http)",
            Lang::Go => "Go (net/http)",
            Lang::CSharp => "C# (HttpClient)",
        }
    }

    /// A language by its name or a common alias (`py`, `js`, `c#`, `cs`, …), any case.
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        let lang = match lower.as_str() {
            "curl" | "sh" | "shell" => Lang::Curl,
            "python" | "py" | "python3" => Lang::Python,
            "node" | "nodejs" | "node.js" | "js" | "javascript" => Lang::Node,
            "php" => Lang::Php,
            "java" => Lang::Java,
            "go" | "golang" => Lang::Go,
            "csharp" | "c#" | "cs" | "dotnet" => Lang::CSharp,
            _ => return None,
        };
        Some(lang)
    }

    /// The names `parse` accepts first, for messages.
    pub fn names() -> String {
        Lang::ALL.map(Lang::name).join(", ")
    }

    /// The file a snippet is saved as to run it (Java's single-file launcher and Go want
    /// their own names; C# goes in a project as `Program.cs`).
    pub fn file_name(self) -> &'static str {
        match self {
            Lang::Curl => "snippet.sh",
            Lang::Python => "snippet.py",
            Lang::Node => "snippet.js",
            Lang::Php => "snippet.php",
            Lang::Java => "Snippet.java",
            Lang::Go => "main.go",
            Lang::CSharp => "Program.cs",
        }
    }

    /// The file a webhook-verification snippet is saved as (Java's class is
    /// `VerifyWebhook`, and javac wants the file named after it).
    pub fn verify_file_name(self) -> &'static str {
        match self {
            Lang::Java => "VerifyWebhook.java",
            other => other.file_name(),
        }
    }

    /// The line comment of the language.
    pub fn comment(self) -> &'static str {
        match self {
            Lang::Curl | Lang::Python => "#",
            _ => "//",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_aliases_work() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.name()), Some(lang));
            assert_eq!(Lang::parse(&lang.name().to_uppercase()), Some(lang));
        }
        assert_eq!(Lang::parse("C#"), Some(Lang::CSharp));
        assert_eq!(Lang::parse("js"), Some(Lang::Node));
        assert_eq!(Lang::parse("ruby"), None);
    }
}
