#ifndef HF_CGIT2_LOADER_H
#define HF_CGIT2_LOADER_H

#include <stddef.h>
#include <git2.h>
#include <git2/sys/repository.h>

/* The libgit2 functions hyperforge calls. Each becomes a field of
 * `struct hf_git2_api` with exactly the function's type. */
#define HF_GIT2_FUNCTIONS(X) \
    X(git_buf_dispose) \
    X(git_config_add_file_ondisk) \
    X(git_config_delete_multivar) \
    X(git_config_free) \
    X(git_config_get_string_buf) \
    X(git_config_iterator_free) \
    X(git_config_iterator_glob_new) \
    X(git_config_iterator_new) \
    X(git_config_new) \
    X(git_config_next) \
    X(git_config_open_level) \
    X(git_config_set_multivar) \
    X(git_config_set_string) \
    X(git_error_last) \
    X(git_graph_ahead_behind) \
    X(git_libgit2_init) \
    X(git_oid_fromstr) \
    X(git_oid_tostr) \
    X(git_reference_free) \
    X(git_reference_iterator_free) \
    X(git_reference_iterator_glob_new) \
    X(git_reference_lookup) \
    X(git_reference_name_to_id) \
    X(git_reference_next_name) \
    X(git_reference_symbolic_target) \
    X(git_reference_target) \
    X(git_reference_type) \
    X(git_remote_create) \
    X(git_remote_delete) \
    X(git_remote_free) \
    X(git_remote_list) \
    X(git_remote_rename) \
    X(git_remote_set_url) \
    X(git_repository_free) \
    X(git_repository_open_ext) \
    X(git_repository_path) \
    X(git_repository_set_config) \
    X(git_repository_set_workdir) \
    X(git_repository_workdir) \
    X(git_strarray_dispose) \
    X(git_commit_lookup) \
    X(git_commit_free) \
    X(git_commit_tree) \
    X(git_commit_parentcount) \
    X(git_commit_parent_id) \
    X(git_tree_free) \
    X(git_tree_entrycount) \
    X(git_tree_entry_byindex) \
    X(git_tree_entry_name) \
    X(git_tree_entry_type) \
    X(git_tree_entry_id) \
    X(git_tree_lookup) \
    X(git_blob_lookup) \
    X(git_blob_free) \
    X(git_blob_rawcontent) \
    X(git_blob_rawsize) \
    X(git_blob_create_from_buffer) \
    X(git_treebuilder_new) \
    X(git_treebuilder_insert) \
    X(git_treebuilder_write) \
    X(git_treebuilder_free) \
    X(git_signature_new) \
    X(git_signature_free) \
    X(git_commit_create) \
    X(git_reference_create) \
    X(git_reference_remove) \
    X(git_repository_commondir) \
    X(git_oid_equal) \
    X(git_tree_entry_bypath) \
    X(git_tree_entry_free) \
    X(git_tree_entry_filemode) \
    X(git_graph_descendant_of) \
    X(git_status_options_init) \
    X(git_status_list_new) \
    X(git_status_list_entrycount) \
    X(git_status_byindex) \
    X(git_status_list_free) \
    X(git_repository_index) \
    X(git_index_entrycount) \
    X(git_index_get_byindex) \
    X(git_index_free) \
    X(git_ignore_path_is_ignored) \

struct hf_git2_api {
#define HF_GIT2_FIELD(name) __typeof__(name) *_Nonnull name;
    HF_GIT2_FUNCTIONS(HF_GIT2_FIELD)
#undef HF_GIT2_FIELD
};

/* Loads libgit2 (dlopen, RTLD_LOCAL) and resolves every function above.
 * Returns the table, or NULL with a message in `error`. Not thread-safe:
 * call it once (Swift's lazy `static let` does). */
const struct hf_git2_api *_Nullable hf_git2_load(char *_Nonnull error, size_t error_size);

#endif
