#include "http/mustache.hpp"

#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace tenure::http {
namespace {

// --- Tokens, as mstch 1.0.2 cuts a template: text is cut after every '\n'. ---

enum class TokenType {
  kText,
  kVariable,
  kUnescaped,
  kSection,
  kInverted,
  kClose,
  kComment,
  kPartial
};

struct Token {
  TokenType type = TokenType::kText;
  std::string raw;       // as written
  std::string name;      // tags: the name, spaces trimmed
  bool eol = false;      // text ending a line (or the marker after a tag that ends the template)
  bool ws_only = false;  // text of spaces, tabs, CR and LF only (tags never are)
  std::string partial_prefix;  // a standalone partial's indentation
};

Token TextToken(std::string_view text) {
  Token t;
  t.raw = std::string(text);
  t.eol = !text.empty() && text.back() == '\n';
  t.ws_only = text.find_first_not_of(" \r\n\t") == std::string_view::npos;
  return t;
}

void AddText(std::string_view text, std::vector<Token>& tokens) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    tokens.push_back(TextToken(text.substr(0, len)));
    text.remove_prefix(len);
  }
}

std::string_view TrimSpaces(std::string_view s) {  // mstch trims ' ' only, not tabs
  const size_t first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

Token TagToken(std::string_view raw) {  // raw: "{{...}}" or "{{{...}}}"
  Token t;
  t.raw = std::string(raw);
  const std::string_view inner = raw.substr(2, raw.size() - 4);
  std::string_view name;
  if (inner.size() >= 2 && inner.front() == '{' && inner.back() == '}') {
    t.type = TokenType::kUnescaped;
    name = TrimSpaces(inner.substr(1, inner.size() - 2));
  } else {
    name = TrimSpaces(inner);
    if (name.empty()) throw std::logic_error("mustache: empty tag " + t.raw);
    switch (name.front()) {
      case '>': t.type = TokenType::kPartial; break;
      case '^': t.type = TokenType::kInverted; break;
      case '/': t.type = TokenType::kClose; break;
      case '&': t.type = TokenType::kUnescaped; break;
      case '#': t.type = TokenType::kSection; break;
      case '!': t.type = TokenType::kComment; break;
      case '=': throw std::logic_error("mustache: set-delimiter tags are not supported: " + t.raw);
      default: t.type = TokenType::kVariable; break;
    }
    if (t.type != TokenType::kVariable) name = TrimSpaces(name.substr(1));
  }
  if (name.empty() && t.type != TokenType::kComment)
    throw std::logic_error("mustache: empty tag " + t.raw);
  t.name = std::string(name);
  return t;
}

std::vector<Token> Tokenize(std::string_view src) {
  std::vector<Token> tokens;
  const auto at = [&](size_t i) { return i < src.size() ? src[i] : '\0'; };
  size_t cur = 0;
  while (cur < src.size()) {
    const size_t open = src.find("{{", cur);
    size_t close = open == std::string_view::npos ? open : src.find("}}", open + 1);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      AddText(src.substr(cur), tokens);
      break;
    }
    if (at(open + 2) == '{' && at(close + 2) == '}') ++close;  // {{{name}}}
    AddText(src.substr(cur, open - cur), tokens);
    cur = close + 2;
    tokens.push_back(TagToken(src.substr(open, cur - open)));
    if (cur == src.size()) {  // a tag ends the template: its line ends here
      tokens.push_back(TextToken(""));
      tokens.back().eol = true;
    }
  }
  return tokens;
}

bool IsStandaloneTag(TokenType t) {
  return t != TokenType::kText && t != TokenType::kVariable && t != TokenType::kUnescaped;
}

// A line holding section, comment or partial tags and otherwise only blanks vanishes but for
// its tags; a partial alone on its line keeps the blanks before it as its indentation. A last
// line without '\n' is left as it is (mstch does so).
std::vector<Token> StripStandaloneLines(std::vector<Token> tokens) {
  std::vector<Token> out;
  out.reserve(tokens.size());
  size_t line_begin = 0;
  bool has_tag = false, non_space = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (IsStandaloneTag(tokens[i].type))
      has_tag = true;
    else if (!tokens[i].ws_only)
      non_space = true;
    if (!tokens[i].eol) continue;
    const bool standalone = has_tag && !non_space;
    for (size_t j = line_begin; j <= i; ++j) {
      if (!standalone) {
        out.push_back(std::move(tokens[j]));
        continue;
      }
      if (tokens[j].type == TokenType::kPartial && j != line_begin && tokens[j - 1].ws_only)
        tokens[j].partial_prefix = tokens[j - 1].raw;
      if (!tokens[j].ws_only) out.push_back(std::move(tokens[j]));
    }
    has_tag = non_space = false;
    line_begin = i + 1;
  }
  for (size_t j = line_begin; j < tokens.size(); ++j) out.push_back(std::move(tokens[j]));
  return out;
}

// mstch writes a partial's indentation before every token that starts a line of it.
std::vector<Token> Indent(std::vector<Token> tokens, const std::string& indent) {
  if (indent.empty()) return tokens;
  std::vector<Token> out;
  out.reserve(tokens.size() * 2);
  bool line_start = true;
  for (auto& t : tokens) {
    if (line_start) out.push_back(TextToken(indent));
    line_start = t.eol;
    out.push_back(std::move(t));
  }
  return out;
}

// --- The parsed tree. ---

struct Node;
using Body = std::vector<Node>;
using Path = std::vector<std::string>;  // "a.b" -> {"a", "b"}; "." stays whole

struct Node {
  enum class Kind { kText, kEscaped, kUnescaped, kSection, kInverted, kPartial };
  Kind kind = Kind::kText;
  std::string text;               // kText
  Path path;                      // variables and sections
  Body children;                  // sections
  std::string raw_body;           // sections: the body as written, what a lambda receives
  const Body* partial = nullptr;  // kPartial; null if there is no such partial (renders "")
};

Path SplitName(const std::string& name) {
  if (name == ".") return {name};
  Path path;
  size_t start = 0;
  for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
    path.push_back(name.substr(start, dot - start));
  path.push_back(name.substr(start));
  return path;
}

}  // namespace

struct MustacheTemplate::Program {
  Body body;
  std::shared_ptr<const Partials> sources;
  // Each partial parsed once per indentation it is used with; std::map keeps the addresses
  // that kPartial nodes point to (a partial may include itself).
  std::map<std::pair<std::string, std::string>, Body> partials;
};

namespace {

using Program = MustacheTemplate::Program;

class Compiler {
 public:
  explicit Compiler(Program& program) : program_(program) {}

  Body Compile(std::string_view source, const std::string& indent) {
    const std::vector<Token> tokens = Indent(StripStandaloneLines(Tokenize(source)), indent);
    struct Open {
      Node node;
      const std::string* name;
      size_t first_token;
    };
    std::vector<Open> open;
    Body top;
    const auto current = [&]() -> Body& { return open.empty() ? top : open.back().node.children; };
    for (size_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      switch (t.type) {
        case TokenType::kText: {
          if (t.raw.empty()) break;
          Body& body = current();
          if (!body.empty() && body.back().kind == Node::Kind::kText)
            body.back().text += t.raw;
          else
            body.push_back(Node{.kind = Node::Kind::kText, .text = t.raw});
          break;
        }
        case TokenType::kVariable:
        case TokenType::kUnescaped:
          current().push_back(Node{.kind = t.type == TokenType::kVariable ? Node::Kind::kEscaped
                                                                          : Node::Kind::kUnescaped,
                                   .path = SplitName(t.name)});
          break;
        case TokenType::kSection:
        case TokenType::kInverted:
          open.push_back(Open{Node{.kind = t.type == TokenType::kSection ? Node::Kind::kSection
                                                                         : Node::Kind::kInverted,
                                   .path = SplitName(t.name)},
                              &t.name, i + 1});
          break;
        case TokenType::kClose: {
          if (open.empty() || *open.back().name != t.name)
            throw std::logic_error("mustache: unexpected " + t.raw);
          Node node = std::move(open.back().node);
          for (size_t j = open.back().first_token; j < i; ++j) node.raw_body += tokens[j].raw;
          open.pop_back();
          current().push_back(std::move(node));
          break;
        }
        case TokenType::kComment: break;
        case TokenType::kPartial:
          current().push_back(
              Node{.kind = Node::Kind::kPartial, .partial = Partial(t.name, t.partial_prefix)});
          break;
      }
    }
    if (!open.empty()) throw std::logic_error("mustache: unclosed section " + *open.back().name);
    return top;
  }

 private:
  const Body* Partial(const std::string& name, const std::string& indent) {
    if (!program_.sources) return nullptr;
    auto source = program_.sources->find(name);
    if (source == program_.sources->end()) return nullptr;
    auto [it, inserted] = program_.partials.try_emplace({name, indent});
    if (inserted) it->second = Compile(source->second, indent);
    return &it->second;
  }

  Program& program_;
};

std::shared_ptr<const Program> CompileProgram(
    std::string_view source, std::shared_ptr<const MustacheTemplate::Partials> partials) {
  auto program = std::make_shared<Program>();
  program->sources = std::move(partials);
  program->body = Compiler(*program).Compile(source, "");
  return program;
}

// --- Rendering: a stack of pointers into the caller's data, nothing copied. ---

const mstch::node& NullNode() {
  static const mstch::node null_node;
  return null_node;
}

void AppendEscaped(const std::string& s, std::string& out) {
  if (mstch::config::escape) {
    out += mstch::config::escape(s);
    return;
  }
  size_t done = 0;  // s[0, done) is in `out`; runs of plain characters are copied at once
  for (size_t i = 0; i < s.size(); ++i) {
    const char* entity = nullptr;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '\'': entity = "&#39;"; break;
      case '"': entity = "&quot;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '/': entity = "&#x2F;"; break;
      default: continue;
    }
    out.append(s, done, i - done);
    out += entity;
    done = i + 1;
  }
  out.append(s, done, std::string::npos);
}

// mstch's notion of an empty section value.
bool IsEmpty(const mstch::node& n) {
  if (boost::get<std::nullptr_t>(&n)) return true;
  if (const auto* s = boost::get<std::string>(&n)) return s->empty();
  if (const auto* b = boost::get<bool>(&n)) return !*b;
  if (const auto* i = boost::get<int>(&n)) return *i == 0;
  if (const auto* d = boost::get<double>(&n)) return *d == 0;
  if (const auto* a = boost::get<mstch::array>(&n)) return a->empty();
  return false;
}

// The value of `name` in one context entry, or null when the entry has no such name.
const mstch::node* Lookup(const mstch::node& n, const std::string& name) {
  if (const auto* m = boost::get<mstch::map>(&n)) {
    auto it = m->find(name);
    return it == m->end() ? nullptr : &it->second;
  }
  if (const auto* o = boost::get<std::shared_ptr<mstch::object>>(&n))
    return (*o)->has(name) ? &(*o)->at(name) : nullptr;
  return name == "." ? &n : nullptr;
}

class Renderer {
 public:
  Renderer(std::shared_ptr<const MustacheTemplate::Partials> partials, std::string& out)
      : partials_(std::move(partials)), out_(&out) {}

  void Render(const Program& program, const mstch::node& root) {
    stack_.push_back(&root);
    RenderBody(program.body);
    stack_.pop_back();
  }

 private:
  void RenderBody(const Body& body) {
    for (const Node& node : body) {
      switch (node.kind) {
        case Node::Kind::kText: *out_ += node.text; break;
        case Node::Kind::kEscaped: AppendValue(Find(node.path), true, *out_); break;
        case Node::Kind::kUnescaped: AppendValue(Find(node.path), false, *out_); break;
        case Node::Kind::kSection: {
          const mstch::node& value = Find(node.path);
          if (!IsEmpty(value)) RenderSection(value, node, false);
          break;
        }
        case Node::Kind::kInverted:
          if (IsEmpty(Find(node.path))) WithContext(NullNode(), node.children);
          break;
        case Node::Kind::kPartial:
          if (node.partial) RenderBody(*node.partial);
          break;
      }
    }
  }

  void WithContext(const mstch::node& value, const Body& body) {
    stack_.push_back(&value);
    RenderBody(body);
    stack_.pop_back();
  }

  const mstch::node& Find(const Path& path) const {
    const mstch::node* found = nullptr;
    for (auto it = stack_.rbegin(); it != stack_.rend() && !found; ++it)
      found = Lookup(**it, path.front());
    for (size_t i = 1; i < path.size() && found; ++i) found = Lookup(*found, path[i]);
    return found ? *found : NullNode();
  }

  void RenderSection(const mstch::node& value, const Node& section, bool array_item) {
    if (const auto* lambda = boost::get<mstch::lambda>(&value)) {
      *out_ += RenderLambdaOutput((*lambda)(ValueRenderer(), section.raw_body));
    } else if (const auto* array = boost::get<mstch::array>(&value); array && !array_item) {
      for (const mstch::node& item : *array) RenderSection(item, section, true);
    } else {
      WithContext(value, section.children);
    }
  }

  void AppendValue(const mstch::node& value, bool escape, std::string& out) {
    std::string rendered;
    if (const auto* s = boost::get<std::string>(&value)) {
      if (escape)
        AppendEscaped(*s, out);
      else
        out += *s;
      return;
    }
    if (const auto* i = boost::get<int>(&value)) {
      rendered = std::to_string(*i);
    } else if (const auto* d = boost::get<double>(&value)) {
      std::ostringstream text;
      text << *d;
      rendered = text.str();
    } else if (const auto* b = boost::get<bool>(&value)) {
      rendered = *b ? "true" : "false";
    } else if (const auto* lambda = boost::get<mstch::lambda>(&value)) {
      rendered = RenderLambdaOutput((*lambda)(ValueRenderer()));
    } else {
      return;  // null, maps, arrays and objects print nothing
    }
    if (escape)
      AppendEscaped(rendered, out);
    else
      out += rendered;
  }

  // What mstch hands a lambda to render a node with: unescaped, in the current context.
  mstch::internal::node_renderer<mstch::node> ValueRenderer() {
    return [this](const mstch::node& n) {
      std::string s;
      AppendValue(n, false, s);
      return s;
    };
  }

  // A lambda's result is a template of its own (parsed now: lambdas are rare), rendered in
  // the current context with partials of the template that called it.
  std::string RenderLambdaOutput(const std::string& source) {
    const auto program = CompileProgram(source, partials_);
    std::string rendered;
    std::string* saved = std::exchange(out_, &rendered);
    WithContext(NullNode(), program->body);
    out_ = saved;
    return rendered;
  }

 private:
  std::shared_ptr<const MustacheTemplate::Partials> partials_;
  std::string* out_;
  std::vector<const mstch::node*> stack_;
};

}  // namespace

MustacheTemplate::MustacheTemplate(std::string_view source,
                                   std::shared_ptr<const Partials> partials)
    : program_(CompileProgram(source, std::move(partials))) {}

MustacheTemplate::~MustacheTemplate() = default;
MustacheTemplate::MustacheTemplate(MustacheTemplate&&) noexcept = default;
MustacheTemplate& MustacheTemplate::operator=(MustacheTemplate&&) noexcept = default;

void MustacheTemplate::RenderTo(const mstch::node& root, std::string& out) const {
  Renderer renderer(program_->sources, out);
  renderer.Render(*program_, root);
}

std::string MustacheTemplate::Render(const mstch::node& root) const {
  std::string out;
  RenderTo(root, out);
  return out;
}

}  // namespace tenure::http
