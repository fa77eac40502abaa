// The one exception type for bad input: it names the file, the field and what was expected,
// so the CLI can print a single line and exit non-zero. Library code never calls exit().
#pragma once

#include <stdexcept>
#include <string>

namespace meshforge {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string field, std::string reason)
      : std::runtime_error(compose(file, field, reason)),
        file_(std::move(file)),
        field_(std::move(field)),
        reason_(std::move(reason)) {}

  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  static std::string compose(const std::string& file, const std::string& field,
                             const std::string& reason) {
    std::string out = file.empty() ? std::string() : file + ": ";
    if (!field.empty()) out += field + ": ";
    return out + reason;
  }
  std::string file_, field_, reason_;
};

}  // namespace meshforge
