#pragma once
// The one guard for redirects to a page named in the request (`next` on sign-in and on the
// card form): without it a link could send a fresh session, or a customer who just saved a
// card, to another site (an open redirect).
#include <string>
#include <string_view>

namespace tenure::http {

// `next` when it is a path on this site, else `fallback`. A path here starts with one '/',
// is UTF-8, and holds no control character (C0, DEL or C1) and no backslash anywhere: browsers drop
// tabs and line breaks from URLs and read '\' as '/', so "/\t/evil.example" or "/\evil.example"
// would become
// "//evil.example", another host; and a line break would split the Location header. Anything
// that does not start with '/' (a scheme, "javascript:", a relative path) is refused too.
// Percent-encoded forms ("/%2F%2Fevil.example") stay paths: browsers do not decode them
// before resolving a Location.
std::string LocalPathOr(std::string_view next, std::string_view fallback);

}  // namespace tenure::http
