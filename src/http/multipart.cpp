#include "http/multipart.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/secure_random.hpp"

namespace tenure::http {
namespace {

constexpr size_t kChunk = 1 << 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `param` in a header's parameters: token or quoted-string. Only \" and \\ are
// escapes (curl writes them); browsers send a Windows path's backslashes as they are.
std::optional<std::string> Parameter(std::string_view header, std::string_view param) {
  const std::string lower = Lower(header);
  for (size_t at = 0; (at = lower.find(param, at)) != std::string::npos; ++at) {
    // A whole parameter name: after ';' or a space, followed by '='.
    if (at > 0 && lower[at - 1] != ';' && lower[at - 1] != ' ' && lower[at - 1] != '\t') continue;
    size_t i = at + param.size();
    while (i < header.size() && header[i] == ' ') ++i;
    if (i >= header.size() || header[i] != '=') continue;
    ++i;
    while (i < header.size() && header[i] == ' ') ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size() &&
            (header[i + 1] == '"' || header[i + 1] == '\\'))
          ++i;
        value.push_back(header[i]);
      }
    } else {
      while (i < header.size() && header[i] != ';' && header[i] != ' ')
        value.push_back(header[i++]);
    }
    return value;
  }
  return std::nullopt;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class Splitter {
 public:
  Splitter(std::string boundary, std::string output_dir, const MultipartLimits& limits)
      : delimiter_("\r\n--" + std::move(boundary)), dir_(std::move(output_dir)), limits_(limits) {}

  ~Splitter() {
    if (!done_) RemoveFiles();
  }
  Splitter(const Splitter&) = delete;
  Splitter& operator=(const Splitter&) = delete;

  Result<MultipartForm> Run(const std::string& body_path) {
    std::unique_ptr<std::FILE, FileCloser> in(std::fopen(body_path.c_str(), "rb"));
    if (!in) return Fail(ErrorCode::kUnavailable, "cannot read the uploaded body");
    buf_ = "\r\n";  // the first delimiter has no line break before it: lend it one
    std::vector<char> chunk(kChunk);
    bool eof = false;
    while (true) {
      auto step = Step(eof);
      if (!step) return std::unexpected(step.error());
      if (state_ == State::kEnd) break;
      if (!*step) {  // needs more input
        if (eof) return Invalid("The upload ended before its last part.");
        const size_t got = std::fread(chunk.data(), 1, chunk.size(), in.get());
        if (got == 0) eof = true;
        buf_.append(chunk.data(), got);
      }
    }
    done_ = true;
    return std::move(form_);
  }

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kBody, kEnd };

  static std::unexpected<Error> Invalid(std::string_view why) {
    return Fail(ErrorCode::kInvalidInput, std::string(why));
  }

  // Consumes what it can of buf_: true when it made progress, false when it needs more input.
  Result<bool> Step(bool eof) {
    switch (state_) {
      case State::kPreamble: {
        const size_t at = buf_.find(delimiter_);
        if (at == std::string::npos) {
          Keep(delimiter_.size() - 1);
          return false;
        }
        buf_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        return true;
      }
      case State::kAfterDelimiter: {
        if (buf_.size() < 2) return eof ? Result<bool>(Invalid("The upload is cut short.")) : false;
        if (buf_.starts_with("--")) {
          state_ = State::kEnd;
          return true;
        }
        const size_t crlf = buf_.find("\r\n");
        if (crlf == std::string::npos)
          return buf_.size() > 256 ? Result<bool>(Invalid("Bad part.")) : Result<bool>(false);
        // RFC 2046 allows transport padding (spaces) before the line break.
        if (buf_.find_first_not_of(" \t") != crlf) return Invalid("Bad part delimiter.");
        buf_.erase(0, crlf + 2);
        state_ = State::kHeaders;
        return true;
      }
      case State::kHeaders: {
        const size_t end = buf_.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (buf_.size() > limits_.max_header_bytes)
            return Invalid("A part's headers are too long.");
          return false;
        }
        if (end > limits_.max_header_bytes) return Invalid("A part's headers are too long.");
        if (auto ok = StartPart(std::string_view(buf_).substr(0, end)); !ok)
          return std::unexpected(ok.error());
        buf_.erase(0, end + 4);
        state_ = State::kBody;
        return true;
      }
      case State::kBody: {
        const size_t at = buf_.find(delimiter_);
        const size_t usable =
            at != std::string::npos
                ? at
                : (buf_.size() >= delimiter_.size() ? buf_.size() - (delimiter_.size() - 1) : 0);
        if (auto ok = Write(std::string_view(buf_).substr(0, usable)); !ok)
          return std::unexpected(ok.error());
        buf_.erase(0, usable);
        if (at == std::string::npos) return false;
        buf_.erase(0, delimiter_.size());
        if (auto ok = EndPart(); !ok) return std::unexpected(ok.error());
        state_ = State::kAfterDelimiter;
        return true;
      }
      case State::kEnd: return true;
    }
    return false;
  }

  void Keep(size_t tail) {
    if (buf_.size() > tail) buf_.erase(0, buf_.size() - tail);
  }

  Result<void> StartPart(std::string_view headers) {
    if (++parts_ > limits_.max_parts) return Invalid("The upload has too many parts.");
    std::optional<std::string> name, file_name;
    for (size_t start = 0; start < headers.size();) {
      size_t end = headers.find("\r\n", start);
      if (end == std::string_view::npos) end = headers.size();
      const std::string_view line = headers.substr(start, end - start);
      if (Lower(line.substr(0, 20)).starts_with("content-disposition:")) {
        name = Parameter(line, "name");
        file_name = Parameter(line, "filename");
      }
      start = end + 2;
    }
    if (!name) return Invalid("A part has no name.");
    field_ = *name;
    text_.clear();
    file_.reset();
    is_file_ = file_name.has_value();
    if (is_file_ && !file_name->empty()) {
      // Browsers send only the name; old ones sent a whole path: keep its last segment.
      std::string base = *file_name;
      if (const size_t slash = base.find_last_of("/\\"); slash != std::string::npos)
        base = base.substr(slash + 1);
      const std::string path =
          (std::filesystem::path(dir_) / ("upload-" + RandomToken(12) + ".part")).string();
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) return Fail(ErrorCode::kUnavailable, "cannot store the uploaded file");
      file_.reset(::fdopen(fd, "wb"));
      if (!file_) {
        ::close(fd);
        return Fail(ErrorCode::kUnavailable, "cannot store the uploaded file");
      }
      form_.files.push_back({.field = field_, .file_name = base, .path = path});
    }
    return {};
  }

  Result<void> Write(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (file_) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size())
        return Fail(ErrorCode::kUnavailable, "cannot store the uploaded file (disk full?)");
      form_.files.back().size += static_cast<int64_t>(bytes.size());
      return {};
    }
    if (is_file_) return {};  // an empty file input's (no file chosen) stray bytes
    if (text_.size() + bytes.size() > limits_.max_field_bytes)
      return Invalid(fmt::format("The field {} is too long.", field_));
    text_.append(bytes);
    return {};
  }

  Result<void> EndPart() {
    if (file_) {
      if (std::fflush(file_.get()) != 0)
        return Fail(ErrorCode::kUnavailable, "cannot store the uploaded file (disk full?)");
      file_.reset();
    } else if (!is_file_) {
      form_.fields.emplace(field_, std::move(text_));
    }
    text_.clear();
    return {};
  }

  void RemoveFiles() {
    file_.reset();
    std::error_code ec;
    for (const UploadedFile& f : form_.files) std::filesystem::remove(f.path, ec);
  }

  std::string delimiter_;
  std::string dir_;
  MultipartLimits limits_;
  State state_ = State::kPreamble;
  std::string buf_;
  MultipartForm form_;
  size_t parts_ = 0;
  std::string field_;
  std::string text_;
  bool is_file_ = false;
  std::unique_ptr<std::FILE, FileCloser> file_;
  bool done_ = false;
};

}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
  if (!Lower(content_type).starts_with("multipart/form-data")) return {};
  auto boundary = Parameter(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) return {};
  return *boundary;
}

Result<MultipartForm> ReadMultipart(const std::string& body_path, std::string_view boundary,
                                    const std::string& output_dir, const MultipartLimits& limits) {
  if (boundary.empty()) return Fail(ErrorCode::kInvalidInput, "Not a multipart/form-data body.");
  Splitter splitter{std::string(boundary), output_dir, limits};
  return splitter.Run(body_path);
}

}  // namespace tenure::http
