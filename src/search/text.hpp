#pragma once
// Words for the help-center index: one tokenizer for the documents and the questions, so the
// two always agree (the index is built from our tokens, not Xapian's TermGenerator).
#include <string>
#include <string_view>
#include <vector>

namespace tenure::search {

// Lowercased words of `text`, in order. Letters and digits form words; an apostrophe inside a
// word is dropped ("don't" -> "dont"); "50.00" and "2fa" stay whole; a hyphen splits.
std::vector<std::string> Words(std::string_view text);
// Words(text) for the docs' side of the index: each identifier followed by its parts
// ("maxRedirections": "maxredirections", "max", "redirections"; "pg_dump": "pg_dump", "pg",
// "dump"), so a question in words finds an option the docs spell as one identifier. Questions
// keep Words(): an identifier asked for matches the whole of it.
std::vector<std::string> IndexWords(std::string_view text);

// Common English words and question words ("how", "can", "my") that carry no topic.
bool IsStopword(std::string_view word);

// GitHub-style heading anchor: lowercase, punctuation dropped, spaces to '-'.
std::string Slugify(std::string_view heading);

// Runs of whitespace become one space; leading and trailing whitespace go.
std::string CollapseSpaces(std::string_view text);

// Code points in valid UTF-8 (each invalid byte counts as one).
size_t Utf8Length(std::string_view text);

// The first sentence of a paragraph of plain text (at most about 200 characters).
std::string FirstSentence(std::string_view text);

}  // namespace tenure::search
