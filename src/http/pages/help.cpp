// The help center (issue 5; PRODUCT.md: Help center): pages as HTML or Markdown, answers as
// Markdown, JSON or HTML, and /llms.txt for agents. Public, no sign-in; everything comes from
// the current snapshot of the docs folder, held for the whole request.
#include <fmt/format.h>

#include "http/pages/pages.hpp"
#include "search/help_center.hpp"

namespace tenure::http::pages {
namespace {

constexpr std::string_view kPrefix = "/help/";

enum class Format { kHtml, kMarkdown, kJson };

// JSON when asked for; HTML for browsers (the search box) except on a .md address; Markdown
// for everyone else (agents, curl).
Format Wanted(const Request& req, bool markdown_address) {
  const std::string_view accept = req.Header("accept");
  if (accept.find("application/json") != std::string_view::npos) return Format::kJson;
  if (!markdown_address && accept.find("text/html") != std::string_view::npos) return Format::kHtml;
  return Format::kMarkdown;
}

// Percent-decoding for a path: unlike a query, '+' stays '+'.
std::string PathDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Response Text(int status, std::string content_type, std::string body) {
  Response res;
  res.status = status;
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  // Public documents: short caching is fine; the answer depends on Accept.
  res.Set("Cache-Control", "public, max-age=60");
  res.Set("Vary", "Accept");
  return res;
}

Response MarkdownText(int status, std::string body) {
  return Text(status, "text/markdown; charset=utf-8", std::move(body));
}

// The navigation: one group per folder, the current page marked; the customers' pages, or
// the sellers' and operators' (issue 14 item 11: separate sections).
mstch::array Nav(const search::Library& lib, const search::Page* current, bool operators) {
  mstch::array nav;
  for (const search::Section& s : lib.Sections()) {
    if ((s.slug == search::kOperatorsFolder) != operators) continue;
    mstch::array pages;
    for (size_t i : s.pages) {
      const search::Page& p = lib.Pages()[i];
      pages.push_back(
          mstch::map{{"title", p.title}, {"url", lib.HtmlUrl(p)}, {"current", current == &p}});
    }
    nav.push_back(mstch::map{{"title", s.title}, {"pages", std::move(pages)}});
  }
  return nav;
}

// A search from a seller's or operator's page (or carrying `in=operators`) covers every page;
// a customer's leaves the operators' pages out.
bool ForOperators(Context& ctx, const search::Page* current) {
  if (current && current->for_operators) return true;
  const Form query = ParseForm(ctx.req.query);
  const auto in = query.find("in");
  return in != query.end() && in->second == "operators";
}

mstch::map BaseVars(Context& ctx, const search::Library& lib, const search::Page* current,
                    std::string question) {
  mstch::array operators_nav = Nav(lib, current, true);
  const bool has_operators_nav = !operators_nav.empty();
  return mstch::map{
      {"nav", Nav(lib, current, false)},        {"operators_nav", std::move(operators_nav)},
      {"has_operators_nav", has_operators_nav}, {"operators", ForOperators(ctx, current)},
      {"question", std::move(question)},        {"site_title", lib.SiteTitle()}};
}

Response NotFoundPage(Context& ctx, const search::Library& lib, std::string_view slug) {
  mstch::array suggestions;
  for (const search::Page* p : lib.Suggest(slug))
    suggestions.push_back(mstch::map{{"title", p->title}, {"url", lib.HtmlUrl(*p)}});
  mstch::map vars = BaseVars(ctx, lib, nullptr, "");
  vars["path"] = std::string(kPrefix) + std::string(slug);
  vars["has_suggestions"] = !suggestions.empty();
  vars["suggestions"] = std::move(suggestions);
  return RenderPage(ctx, "help_missing", "Page not found", "", std::move(vars), 404);
}

Response AnswerPage(Context& ctx, const search::Library& lib, const search::Answer& a) {
  mstch::map vars = BaseVars(ctx, lib, nullptr, a.question);
  const bool answered = a.status == search::AnswerStatus::kAnswered;
  vars["answered"] = answered;
  vars["heading"] = a.status == search::AnswerStatus::kEmpty     ? std::string("Ask a question")
                    : a.status == search::AnswerStatus::kTooLong ? std::string("Question too long")
                                                                 : a.question;
  if (a.status == search::AnswerStatus::kEmpty)
    vars["message"] = std::string(
        "Type your question in the box, in your own words: for example \"How do I cancel?\" or "
        "\"What happens when my license expires?\". The answer quotes these help pages.");
  else
    vars["message"] = search::AnswerMessage(a);
  if (answered) {
    vars["answer_html"] = lib.ExcerptHtml(a.answer, a.answer_slug);
    if (const search::Page* p = lib.Find(a.answer_slug)) {
      vars["answer_title"] = p->title;
      vars["answer_url"] = lib.HtmlUrl(*p);
    }
    mstch::array excerpts;
    for (const search::Excerpt& e : a.excerpts) {
      const std::string where =
          e.heading.empty() || e.heading == e.title ? e.title : e.title + " › " + e.heading;
      excerpts.push_back(
          mstch::map{{"where", where},
                     {"url", lib.SlugUrl(e.slug) + (e.anchor.empty() ? "" : "#" + e.anchor)},
                     {"html", lib.ExcerptHtml(e.text, e.slug)}});
    }
    vars["has_excerpts"] = !excerpts.empty();
    vars["excerpts"] = std::move(excerpts);
  }
  mstch::array sources;
  for (const search::Link& s : a.sources)
    sources.push_back(mstch::map{{"title", s.title}, {"url", lib.SlugUrl(s.slug)}});
  vars["has_sources"] = !sources.empty();
  vars["sources"] = std::move(sources);
  const int status = a.status == search::AnswerStatus::kTooLong ? 422 : 200;
  std::string title =
      a.status == search::AnswerStatus::kAnswered || a.status == search::AnswerStatus::kNoAnswer
          ? a.question
          : std::string("Ask the help center");
  return RenderPage(ctx, "help_answer", std::move(title), "", std::move(vars), status);
}

Response AskResponse(Context& ctx, const search::Library& lib, std::string_view question,
                     Format format) {
  const search::Answer a =
      lib.Ask(question, ForOperators(ctx, nullptr) ? search::Audience::kEveryone
                                                   : search::Audience::kCustomers);
  // A question over the limit is refused, not cut (issue 5): 422 with the reason.
  const int status = a.status == search::AnswerStatus::kTooLong ? 422 : 200;
  switch (format) {
    case Format::kJson:
      return Text(status, "application/json; charset=utf-8", search::AnswerJson(a));
    case Format::kMarkdown: return MarkdownText(status, search::AnswerMarkdown(a));
    case Format::kHtml: return AnswerPage(ctx, lib, a);
  }
  return MarkdownText(status, search::AnswerMarkdown(a));
}

Response PageHtml(Context& ctx, const search::Library& lib, const search::Page& page) {
  mstch::map vars = BaseVars(ctx, lib, &page, "");
  vars["html"] = page.html;
  vars["md_url"] = lib.MarkdownPath(page);
  const search::Section* section = lib.SectionOf(page);
  if (section && !section->slug.empty()) vars["section_title"] = section->title;
  if (const search::Page* prev = lib.Previous(page))
    vars["prev"] = mstch::map{{"title", prev->title}, {"url", lib.HtmlUrl(*prev)}};
  if (const search::Page* next = lib.Next(page))
    vars["next"] = mstch::map{{"title", next->title}, {"url", lib.HtmlUrl(*next)}};
  mstch::array toc;
  for (const auto& t : page.toc) toc.push_back(mstch::map{{"text", t.text}, {"anchor", t.anchor}});
  vars["has_toc"] = toc.size() > 1;
  vars["toc"] = std::move(toc);
  return RenderPage(ctx, "help", page.title, "", std::move(vars));
}

}  // namespace

Response HelpRedirect(Context& ctx) {
  return Response::Redirect(
      std::string(kPrefix) + (ctx.req.query.empty() ? "" : "?" + ctx.req.query), 301);
}

Response Help(Context& ctx) {
  const std::shared_ptr<const search::Library> lib = ctx.svc.help.Current();
  const std::string path = PathDecode(std::string_view(ctx.req.path).substr(kPrefix.size()));
  const bool markdown = path.ends_with(".md");
  const Form query = ParseForm(ctx.req.query);
  if (auto ask = query.find("ask"); ask != query.end())
    return AskResponse(ctx, *lib, ask->second, Wanted(ctx.req, markdown));

  if (markdown) {
    const std::string slug = path.substr(0, path.size() - 3);
    if (const search::Page* page = lib->Find(slug)) return MarkdownText(200, page->markdown);
    // Not found, with where to go instead in the body (agents follow links blindly).
    return MarkdownText(404, lib->MissingMarkdown(slug));
  }
  const bool folder = path.empty() || path.ends_with('/');
  const std::string slug = folder ? path + "index" : path;
  if (const search::Page* page = lib->Find(slug)) return PageHtml(ctx, *lib, *page);
  if (!folder && lib->Find(path + "/index"))
    return Response::Redirect(lib->SlugUrl(path + "/index"), 301);
  return NotFoundPage(ctx, *lib, folder ? path : slug);
}

Response LlmsTxt(Context& ctx) {
  return Text(200, "text/plain; charset=utf-8", ctx.svc.help.Current()->LlmsTxt());
}

Response LlmsFull(Context& ctx) {
  return Text(200, "text/plain; charset=utf-8", ctx.svc.help.Current()->LlmsFull(0));
}

Response LlmsFullPart(Context& ctx) {
  const auto lib = ctx.svc.help.Current();
  const auto part = ctx.IdParam("part");
  if (!part || static_cast<size_t>(*part) >= lib->LlmsFullParts())
    return Text(
        404, "text/plain; charset=utf-8",
        fmt::format("There is no part {} of llms-full.txt; it has {} part{}.\n", ctx.Param("part"),
                    lib->LlmsFullParts(), lib->LlmsFullParts() == 1 ? "" : "s"));
  return Text(200, "text/plain; charset=utf-8", lib->LlmsFull(static_cast<size_t>(*part)));
}

}  // namespace tenure::http::pages
