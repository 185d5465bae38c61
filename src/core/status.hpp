// Error handling without exceptions (product code also builds for wasm without exception
// support and for CUDA): a Status carries an error message; Expected<T> a value or a message.
// Messages are written for the user: they name the field and the allowed range.
#pragma once
#include <string>
#include <utility>

namespace klab {

class Status {
 public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : message_(message.empty() ? "unknown error" : std::move(message)) {}
  std::string message_;
};

template <class T>
class Expected {
 public:
  Expected(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Status error) : status_(std::move(error)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const T& value() const { return value_; }
  T& value() { return value_; }
  const Status& status() const { return status_; }
  const std::string& error() const { return status_.message(); }

 private:
  T value_{};
  Status status_;
};

}  // namespace klab
