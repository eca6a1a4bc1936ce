#include "CGit2Loader.h"

#include <dlfcn.h>
#include <stdio.h>

const struct hf_git2_api *hf_git2_load(char *error, size_t error_size)
{
    static struct hf_git2_api table;
    struct hf_git2_api *api = &table;
    static const char *const names[] = {
        "libgit2.so." LIBGIT2_SOVERSION,
        "libgit2.so",
        "libgit2." LIBGIT2_SOVERSION ".dylib",
        "libgit2.dylib",
    };
    void *handle = NULL;
    const char *reason = "not found";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL && i == 0) {
            const char *e = dlerror();
            if (e != NULL) reason = e;
        }
    }
    if (handle == NULL) {
        snprintf(error, error_size, "cannot load libgit2 " LIBGIT2_VERSION ": %s", reason);
        return NULL;
    }
#define HF_GIT2_RESOLVE(name)                                                   \
    api->name = (__typeof__(name) *)dlsym(handle, #name);                       \
    if (api->name == NULL) {                                                    \
        snprintf(error, error_size, "the loaded libgit2 has no %s", #name);     \
        return NULL;                                                              \
    }
    HF_GIT2_FUNCTIONS(HF_GIT2_RESOLVE)
#undef HF_GIT2_RESOLVE
    return api;
}

/*
 * libgit2 (Debian's 1.5, built with mbedTLS) parses the system's whole CA
 * bundle, /etc/ssl/certs/ca-certificates.crt, in git_libgit2_init: measured
 * with callgrind, 52 million instructions (about 15 ms here), two thirds of a
 * warm `git realm status`. We never use libgit2's network transport (fetch
 * and push go through the real git, whose TLS is git's own), so the
 * executable provides this function, exported (see Package.swift), and the
 * libgit2 it loads binds to it ahead of libmbedx509's: no certificate is
 * loaded, and a TLS connection libgit2 were ever asked to make would fail
 * verification (an empty chain of trust), never succeed unverified.
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}
