/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-source-path.h: where the source files that DWARF names are on this machine.
 *
 * A line table names files as the build saw them: "/build/reproducible-path/
 * linux-6.1.192/arch/arm64/lib/copy_to_user.S", or relative to a compilation
 * directory that is itself relative ("debian/build/build_arm64_none_cloud-arm64/
 * kernel/sched/core.c", from Debian's -ffile-prefix-map). The map rewrites a
 * leading directory of such a path into a local one, as TRACE32's
 * sYmbol.SourcePATH.Translate does; resolving then picks the first rewritten
 * (or unchanged) path that is a regular file here.
 *
 * Prefixes match whole path components: "/build/linux" matches
 * "/build/linux/init/main.c" but not "/build/linux-6.1/init/main.c". Paths are
 * compared after removing "." and ".." components and repeated slashes, so
 * "/tmp/build/../src/a.c" matches the prefix "/tmp/src".
 *
 * Threads: the map may be changed on one thread while another resolves; the
 * "changed" signal is emitted on the thread that changed it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HS_TYPE_SOURCE_PATH_MAP (hs_source_path_map_get_type ())
G_DECLARE_FINAL_TYPE (HsSourcePathMap, hs_source_path_map, HS, SOURCE_PATH_MAP, GObject)

HsSourcePathMap *hs_source_path_map_new           (void);
/* Maps paths under @from_prefix to @to_prefix; replaces an entry for the same prefix. */
void             hs_source_path_map_add           (HsSourcePathMap     *self,
                                                   const char          *from_prefix,
                                                   const char          *to_prefix);
/* FALSE when there was no entry for @from_prefix. */
gboolean         hs_source_path_map_remove        (HsSourcePathMap     *self,
                                                   const char          *from_prefix);
void             hs_source_path_map_clear         (HsSourcePathMap     *self);
guint            hs_source_path_map_get_n_entries (HsSourcePathMap     *self);

/* "from=to" per entry, in the order they were added (a '=' or '\' inside a path is written
 * with a '\' before it), for session files. */
char           **hs_source_path_map_to_strv       (HsSourcePathMap     *self);
/* Adds entries in that form; adds none of them if one is malformed. */
gboolean         hs_source_path_map_add_strv      (HsSourcePathMap     *self,
                                                   const char * const  *entries,
                                                   GError             **error);

/* @path with its longest mapped prefix replaced, or a copy of @path when none matches. */
char            *hs_source_path_map_translate     (HsSourcePathMap     *self,
                                                   const char          *path);

/* The local file for a source file named by DWARF: @file, relative to @comp_dir unless it is
 * absolute (@comp_dir may be NULL, e.g. when @file comes from hs_symbol_file_address_to_line(),
 * which has already joined them). Tries every mapped path, longest prefix first, then the path
 * itself when it is absolute; G_IO_ERROR_NOT_FOUND names what was tried and the mapping
 * command to add. Blocking (one stat() per candidate); nothing is cached. */
char            *hs_source_path_map_resolve       (HsSourcePathMap     *self,
                                                   const char          *comp_dir,
                                                   const char          *file,
                                                   GError             **error);

G_END_DECLS
