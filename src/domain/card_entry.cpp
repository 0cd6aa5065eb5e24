#include "domain/card_entry.hpp"

#include <algorithm>
#include <cctype>
#include <ranges>

namespace tenure::domain {
namespace {

bool StartsWithAny(std::string_view digits, std::initializer_list<std::string_view> prefixes) {
  return std::ranges::any_of(prefixes, [&](std::string_view p) { return digits.starts_with(p); });
}

// The first `n` digits as a number, 0 when there are fewer.
int Prefix(std::string_view digits, size_t n) {
  if (digits.size() < n) return 0;
  int value = 0;
  for (char c : digits.substr(0, n)) value = value * 10 + (c - '0');
  return value;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// The lengths each brand issues; an unknown brand is held to the ISO range.
bool LengthFits(std::string_view brand, size_t length) {
  if (brand == "amex") return length == 15;
  if (brand == "diners") return length >= 14 && length <= 19;
  if (brand == "visa") return length == 13 || length == 16 || length == 19;
  if (brand == "unknown") return length >= 12 && length <= 19;
  return length >= 16 && length <= 19;
}

void ReadNumber(std::string_view number, CardEntry& card, std::vector<Error>& problems) {
  for (char c : number) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      card.digits.push_back(c);
    else if (c != ' ' && c != '-')
      return problems.push_back(
          {ErrorCode::kInvalidInput, "Enter the card number using digits only.", "number"});
  }
  if (card.digits.empty())
    return problems.push_back({ErrorCode::kInvalidInput, "Enter your card number.", "number"});
  card.brand = std::string(CardBrandOf(card.digits));
  if (!LengthFits(card.brand, card.digits.size()) || !LuhnValid(card.digits))
    problems.push_back({ErrorCode::kInvalidInput,
                        "Check the card number: it is not a valid card number.", "number"});
}

// "MM / YY", "MM/YY", "MMYY", "M/YY" and the same with a four-digit year.
void ReadExpiry(std::string_view expiry, std::chrono::year_month today, CardEntry& card,
                std::vector<Error>& problems) {
  std::string month;
  std::string year;
  bool slash = false;
  for (char c : expiry) {
    if (c == '/' && !slash) {
      slash = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      (slash ? year : month).push_back(c);
    } else if (c != ' ') {
      month.clear();
      break;
    }
  }
  if (!slash && month.size() == 4) {  // "1229"
    year = month.substr(2);
    month.resize(2);
  }
  if (expiry.find_first_not_of(' ') == std::string_view::npos)
    return problems.push_back(
        {ErrorCode::kInvalidInput, "Enter the expiry date as MM / YY.", "exp"});
  if (month.empty() || month.size() > 2 || (year.size() != 2 && year.size() != 4) ||
      Prefix(month, month.size()) < 1 || Prefix(month, month.size()) > 12)
    return problems.push_back({ErrorCode::kInvalidInput,
                               "Enter the expiry date as it is on the card: MM / YY, such as "
                               "08 / 29.",
                               "exp"});
  card.exp_month = Prefix(month, month.size());
  card.exp_year = Prefix(year, year.size()) + (year.size() == 2 ? 2000 : 0);
  const std::chrono::year_month expires{std::chrono::year(card.exp_year),
                                        std::chrono::month(static_cast<unsigned>(card.exp_month))};
  if (expires < today)
    problems.push_back(
        {ErrorCode::kInvalidInput, "Check the expiry date: the card has expired.", "exp"});
  else if (expires > today + std::chrono::years(20))
    problems.push_back({ErrorCode::kInvalidInput,
                        "Check the expiry date: cards are not issued that far ahead.", "exp"});
}

void ReadCvc(std::string_view cvc, CardEntry& card, std::vector<Error>& problems) {
  const size_t first = cvc.find_first_not_of(' ');
  const std::string_view trimmed = first == std::string_view::npos
                                       ? std::string_view()
                                       : cvc.substr(first, cvc.find_last_not_of(' ') + 1 - first);
  const bool amex = card.brand == "amex";
  const bool known = !card.brand.empty() && card.brand != "unknown";
  if (trimmed.empty())
    return problems.push_back(
        {ErrorCode::kInvalidInput, "Enter the card's security code (CVC).", "cvc"});
  if (!AllDigits(trimmed) || trimmed.size() < 3 || trimmed.size() > 4 ||
      (amex && trimmed.size() != 4) || (known && !amex && trimmed.size() != 3))
    return problems.push_back(
        {ErrorCode::kInvalidInput,
         amex ? "The security code of an American Express card is the 4 digits on its front."
              : "The security code (CVC) is the 3 digits on the back of the card.",
         "cvc"});
  card.cvc = std::string(trimmed);
}

}  // namespace

std::string_view CardBrandOf(std::string_view digits) {
  if (digits.starts_with('4')) return "visa";
  const int two = Prefix(digits, 2);
  const int four = Prefix(digits, 4);
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
  if (two == 34 || two == 37) return "amex";
  if (StartsWithAny(digits, {"6011", "65"}) ||
      (Prefix(digits, 3) >= 644 && Prefix(digits, 3) <= 649))
    return "discover";
  if (two == 36 || two == 38 || two == 39 || (Prefix(digits, 3) >= 300 && Prefix(digits, 3) <= 305))
    return "diners";
  if (four >= 3528 && four <= 3589) return "jcb";
  if (two == 62) return "unionpay";
  return "unknown";
}

std::string CardBrandName(std::string_view code) {
  if (code == "visa") return "Visa";
  if (code == "mastercard") return "Mastercard";
  if (code == "amex") return "American Express";
  if (code == "discover") return "Discover";
  if (code == "diners") return "Diners Club";
  if (code == "jcb") return "JCB";
  if (code == "unionpay") return "UnionPay";
  if (code.empty() || code == "unknown") return "Card";
  std::string name(code);
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

bool LuhnValid(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  // From the right, every second digit doubled (its digits summed: 2 * 7 = 14 counts 5).
  int sum = 0;
  bool twice = false;
  for (char c : std::views::reverse(digits)) {
    const int d = (c - '0') * (twice ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::expected<CardEntry, std::vector<Error>> ReadCardEntry(std::string_view number,
                                                           std::string_view expiry,
                                                           std::string_view cvc,
                                                           std::chrono::year_month today) {
  CardEntry card;
  std::vector<Error> problems;
  ReadNumber(number, card, problems);
  ReadExpiry(expiry, today, card, problems);
  ReadCvc(cvc, card, problems);
  if (!problems.empty()) return std::unexpected(std::move(problems));
  return card;
}

}  // namespace tenure::domain
