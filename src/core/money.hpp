#pragma once
// Money is integer cents everywhere (ENGINEERING.md habit 2).
#include <compare>
#include <cstdint>
#include <string>

namespace tenure {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Cents(int64_t cents) { return Money(cents); }
  constexpr int64_t cents() const { return cents_; }

  constexpr Money operator+(Money o) const { return Money(cents_ + o.cents_); }
  constexpr Money operator-(Money o) const { return Money(cents_ - o.cents_); }
  constexpr Money operator*(int64_t n) const { return Money(cents_ * n); }
  constexpr auto operator<=>(const Money&) const = default;

  // "50.00 USD"
  std::string Format(std::string_view currency = "USD") const;

 private:
  constexpr explicit Money(int64_t cents) : cents_(cents) {}
  int64_t cents_ = 0;
};

}  // namespace tenure
