#pragma once
// The Terms & Conditions version a customer accepts (PRODUCT.md: Accounts). Bump it when
// templates/terms.html changes: each acceptance stores the version it saw.
namespace tenure::domain {
inline constexpr char kTermsVersion[] = "2026-11-01";
}
