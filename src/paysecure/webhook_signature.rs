//! What a Paysecure webhook signature covers: the emulator signs this string and the
//! explorer shows it and builds the merchant's verification snippets from it.

/// The string Paysecure signs for a purchase webhook: `{purchaseId}|{STATUS}|{brandId}`,
/// STATUS upper-cased (the webhook body's `status` is lower case).
pub fn signed_string(purchase_id: &str, status: &str, brand_id: &str) -> String {
    format!("{purchase_id}|{}|{brand_id}", status.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_upper_cased_between_id_and_brand() {
        assert_eq!(
            signed_string("64bfdb7df63e36669499e82f", "paid", "brd_1"),
            "64bfdb7df63e36669499e82f|PAID|brd_1"
        );
    }
}
