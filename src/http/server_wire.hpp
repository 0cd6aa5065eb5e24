#pragma once
// What the server adapter puts on the wire besides the handler's answer, and reads off it
// besides the request: status lines' reasons, the server's own refusal texts, gzip, and the
// client's address behind trusted proxies. Internal to the adapter (server_connection.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"

namespace tenure::http {

// "Not Found" for 404; "Status" for a code the server never sends.
const char* Reason(int status);
// What the server says when it answers a request itself (400, 408, 413, 414, 429, 431, 503).
std::string RefusalText(int status);
// A CR or LF in a header would split the response (header injection).
bool HasLineBreak(const std::string& s);
// Whether the answer is text worth compressing and the client takes gzip.
bool Compressible(const Request& req, const Response& res);
// Nothing when zlib fails (out of memory): the answer then goes uncompressed.
std::optional<std::string> Gzip(const std::string& in);
// The client behind a trusted proxy: the rightmost X-Forwarded-For entry that is not a trusted
// proxy itself (entries to its left are whatever the client claimed). `peer` when none is.
std::string ForwardedClient(std::string_view forwarded, const std::vector<std::string>& trusted,
                            const std::string& peer);

}  // namespace tenure::http
