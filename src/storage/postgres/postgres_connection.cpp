#include "storage/postgres/postgres_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenure::storage {
namespace {

// Type OIDs are fixed in PostgreSQL's catalog (pg_type.dat) and never change between
// versions; spelled out here because catalog/pg_type_d.h ships with the server headers,
// not with libpq-dev.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

// SQLSTATE for unique_violation (PostgreSQL docs, appendix A).
constexpr std::string_view kUniqueViolation = "23505";

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

std::string TrimTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Every spelling of the password in `conninfo`: libpq decodes it (PQconninfoParse), but it
// quotes the raw, still percent-encoded token when that token is malformed, so both go.
std::vector<std::string> PasswordSpellings(const std::string& conninfo) {
  std::vector<std::string> out;
  char* parse_error = nullptr;
  if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error)) {
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0')
        out.emplace_back(o->val);
    }
    PQconninfoFree(options);
  }
  PQfreemem(parse_error);

  const std::string_view text = conninfo;
  // URI userinfo: scheme://user:password@host...
  if (const size_t scheme = text.find("://"); scheme != std::string_view::npos) {
    std::string_view authority = text.substr(scheme + 3);
    authority = authority.substr(0, authority.find_first_of("/?"));
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos)
        out.emplace_back(userinfo.substr(colon + 1));
    }
  }
  // `?password=...` in a URI or `password=...` in a key=value string.
  for (size_t pos = text.find("password="); pos != std::string_view::npos;
       pos = text.find("password=", pos + 1)) {
    std::string_view value = text.substr(pos + std::string_view("password=").size());
    value = value.substr(0, value.find_first_of("& \t\n"));
    out.emplace_back(value);
  }
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  return out;
}

std::string Redact(std::string message, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    for (size_t pos = message.find(secret); pos != std::string::npos;
         pos = message.find(secret, pos + 3)) {
      message.replace(pos, secret.size(), "***");
    }
  }
  return message;
}

int64_t ParseInt(const char* text, int length) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text, text + length, value);
  if (ec != std::errc() || end != text + length)
    throw std::runtime_error("PostgreSQL returned a malformed integer: " +
                             std::string(text, length));
  return value;
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_) throw std::runtime_error("cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      throw std::runtime_error(
          "cannot connect to PostgreSQL: " +
          Redact(TrimTrailingNewlines(PQerrorMessage(conn_.get())), PasswordSpellings(conninfo)));
    }
    // The server's NOTICEs ("relation already exists, skipping", ...) are expected in our
    // migrations; libpq would print them to stderr, which is not our log.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
    ExecScript("SET client_min_messages = warning");
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  // PQexec runs a multi-statement string in one round trip; outside BEGIN it is one
  // implicit transaction, so a failing migration leaves nothing behind.
  void ExecScript(std::string_view sql) override {
    const std::string text(sql);
    ResultPtr result(PQexec(conn_.get(), text.c_str()));
    Check(result.get(), "script");
  }

  QueryResult Run(const Query& query, std::span<const Value> params) override {
    const std::string& statement = Prepare(query);

    // Everything travels as text so the server parses each parameter as the type it
    // inferred at PQprepare: a '1' bound to a BOOLEAN column is true, to a BIGINT it is 1.
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
        values[i] = texts[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }  // nullptr stays a NULL pointer, which libpq sends as SQL NULL.
    }
    ResultPtr result(PQexecPrepared(conn_.get(), statement.c_str(), static_cast<int>(params.size()),
                                    values.data(),
                                    /*paramLengths=*/nullptr, /*paramFormats=*/nullptr,
                                    /*resultFormat=*/0));
    Check(result.get(), query.name);

    PGresult* res = result.get();
    QueryResult out;
    const int rows = PQntuples(res);
    const int columns = PQnfields(res);
    std::vector<Oid> types(columns);
    for (int c = 0; c < columns; ++c) types[c] = PQftype(res, c);
    out.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      Row row;
      row.values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.values.emplace_back(nullptr);
          continue;
        }
        const char* text = PQgetvalue(res, r, c);
        const int length = PQgetlength(res, r, c);
        switch (types[c]) {
          // Value carries booleans as 0/1, as SQLite stores them (connection.hpp).
          case kBoolOid: row.values.emplace_back(int64_t{text[0] == 't'}); break;
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid: row.values.emplace_back(ParseInt(text, length)); break;
          default: row.values.emplace_back(std::string(text, length));
        }
      }
      out.rows.push_back(std::move(row));
    }
    const char* affected = PQcmdTuples(res);
    out.affected =
        *affected == '\0' ? 0 : ParseInt(affected, static_cast<int>(std::strlen(affected)));
    return out;
  }

  // No lock-up-front mode is needed: PostgreSQL takes row locks as it writes, and a write
  // transaction never has to upgrade a database-wide lock the way SQLite's does.
  void Begin(bool write) override { ExecScript(write ? "BEGIN" : "BEGIN READ ONLY"); }

  void Commit() override {
    ResultPtr result(PQexec(conn_.get(), "COMMIT"));
    Check(result.get(), "commit");
    // COMMIT of a transaction that an earlier error aborted succeeds with the tag ROLLBACK;
    // the caller must not believe its writes were saved.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK")
      throw std::runtime_error(
          "PostgreSQL (commit): the transaction was aborted by an earlier error and has "
          "been rolled back");
  }

  void Rollback() override {
    const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
    if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) ExecScript("ROLLBACK");
  }

  // A connection still inside a transaction (or whose server went away) must not be
  // handed to the next unit of work.
  bool Healthy() const override {
    return PQstatus(conn_.get()) == CONNECTION_OK &&
           PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  }

 private:
  // Transparent hashing lets Run() look a string_view name up without allocating.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Returns the server-side statement name for `query`, preparing it on first use. The
  // server name is generated ("s1", "s2", ...) instead of reusing Query::name because the
  // server truncates statement names to 63 bytes, so two long names could collide.
  const std::string& Prepare(const Query& query) {
    if (auto it = statements_.find(query.name); it != statements_.end()) return it->second;
    std::string statement = "s" + std::to_string(statements_.size() + 1);
    const std::string sql(query.sql);
    // nParams = 0 and no types: the server infers every $n from its context.
    ResultPtr result(PQprepare(conn_.get(), statement.c_str(), sql.c_str(), 0, nullptr));
    Check(result.get(), query.name);
    return statements_.emplace(std::string(query.name), std::move(statement)).first->second;
  }

  // Throws unless `result` reports success. Only the primary message goes into what():
  // the DETAIL line echoes key values and whole failing rows (emails, password hashes).
  void Check(const PGresult* result, std::string_view context) const {
    if (result == nullptr) {  // out of memory, or the request could not be sent
      throw std::runtime_error("PostgreSQL (" + std::string(context) +
                               "): " + TrimTrailingNewlines(PQerrorMessage(conn_.get())));
    }
    switch (PQresultStatus(result)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY: return;
      default: break;
    }
    const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const std::string message = primary != nullptr
                                    ? std::string(primary)
                                    : TrimTrailingNewlines(PQresultErrorMessage(result));
    if (sqlstate != nullptr && sqlstate == kUniqueViolation) throw UniqueViolation(message);
    throw std::runtime_error(
        "PostgreSQL (" + std::string(context) + "): " + message +
        (sqlstate != nullptr ? " [SQLSTATE " + std::string(sqlstate) + "]" : std::string()));
  }

  ConnPtr conn_;
  std::unordered_map<std::string, std::string, NameHash, std::equal_to<>> statements_;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& conninfo) {
  return std::make_unique<PostgresConnection>(conninfo);
}

}  // namespace tenure::storage
