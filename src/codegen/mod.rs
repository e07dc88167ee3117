//! Code in the merchant's language: an API exchange (or the request a form would send) and
//! a webhook's signature check, as ready-to-run code in curl, Python, Node.js, PHP, Java,
//! Go and C#.
//!
//! One [`RequestModel`] and one [`VerifyModel`] hold what to send or check; each language
//! is one small file in `langs/` that renders them with its own literal syntax (its
//! quoting rules live there too), so the seven snippets cannot drift apart in what they
//! send. The API key is never a value here: every snippet reads `PAYSECURE_API_KEY` from
//! the environment. Depends on `api`'s wire types only.

mod lang;
mod langs;
mod model;
mod text;
mod verify;

pub use lang::Lang;
pub use model::{API_KEY_ENV, Body, CardData, RequestModel};
pub use verify::VerifyModel;

/// The program that sends `model`'s request in `lang`, printing `HTTP <status>` and the body.
pub fn request_code(lang: Lang, model: &RequestModel) -> String {
    match lang {
        Lang::Curl => langs::curl::request(model),
        Lang::Python => langs::python::request(model),
        Lang::Node => langs::node::request(model),
        Lang::Php => langs::php::request(model),
        Lang::Java => langs::java::request(model),
        Lang::Go => langs::go::request(model),
        Lang::CSharp => langs::csharp::request(model),
    }
}

/// The program that checks a webhook's `paysecure-sign` in `lang`, printing exactly
/// `valid` or `invalid` (for curl: a `sh` script with the openssl CLI).
pub fn verify_code(lang: Lang, model: &VerifyModel) -> String {
    match lang {
        Lang::Curl => langs::curl::verify(model),
        Lang::Python => langs::python::verify(model),
        Lang::Node => langs::node::verify(model),
        Lang::Php => langs::php::verify(model),
        Lang::Java => langs::java::verify(model),
        Lang::Go => langs::go::verify(model),
        Lang::CSharp => langs::csharp::verify(model),
    }
}
