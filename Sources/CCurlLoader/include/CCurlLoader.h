#ifndef HF_CCURL_LOADER_H
#define HF_CCURL_LOADER_H

#include <stddef.h>

/* One HTTP exchange through libcurl, which is loaded (dlopen) on first use so
 * that programs that never talk HTTP never pay for loading it. */
typedef struct hf_http_response {
    long status;                 /* HTTP status, 0 when the exchange failed */
    char *_Nullable body;        /* response body (NUL-terminated), free with hf_http_response_free */
    size_t body_length;
    char error[256];             /* why the exchange failed, when status == 0 */
} hf_http_response;

/* `headers` holds `header_count` "Name: value" strings. `body` may be NULL.
 * Returns 0 when an HTTP response was received (any status), -1 otherwise
 * (error filled in). Response bodies above `max_body` bytes are an error. */
int hf_http_request(const char *_Nonnull method, const char *_Nonnull url,
                    const char *_Nonnull const *_Nullable headers, size_t header_count,
                    const char *_Nullable body, size_t body_length,
                    long timeout_seconds, size_t max_body,
                    hf_http_response *_Nonnull response);

void hf_http_response_free(hf_http_response *_Nonnull response);

#endif
