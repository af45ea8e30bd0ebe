#include "core/rm.h"
#include "store/privacy.h"

#include <openssl/hmac.h>

void rm_pseudonym(const char *key, const char *identity, size_t len,
                  char out[RM_PSEUDONYM_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)identity, len, mac,
         &mac_len);
    out[0] = 'p';
    out[1] = '_';
    for (int i = 0; i < 8; i++) {
        out[2 + 2 * i] = hex[mac[i] >> 4];
        out[3 + 2 * i] = hex[mac[i] & 15];
    }
    out[RM_PSEUDONYM_LEN] = '\0';
}

static void sql_pseudonym(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *key = sqlite3_user_data(ctx);
    char out[RM_PSEUDONYM_LEN + 1];
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    rm_pseudonym(key, (const char *)sqlite3_value_text(argv[0]),
                 (size_t)sqlite3_value_bytes(argv[0]), out);
    sqlite3_result_text(ctx, out, RM_PSEUDONYM_LEN, SQLITE_TRANSIENT);
}

rm_err rm_privacy_register(sqlite3 *h)
{
    sqlite3_stmt *st;
    char *key = NULL;

    if (sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'pseudonym_key'", -1, &st,
                           NULL) != SQLITE_OK)
        return RM_EDB;
    if (sqlite3_step(st) == SQLITE_ROW)
        key = rm_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!key) {
        rm_log_error("database has no pseudonym key");
        return RM_EDB;
    }
    /* On failure SQLite itself calls the destructor (free) on key. */
    if (sqlite3_create_function_v2(h, "rm_pseudonym", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, key,
                                   sql_pseudonym, NULL, NULL, free) != SQLITE_OK)
        return RM_EDB;
    return RM_OK;
}
