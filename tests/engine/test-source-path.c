/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-source-path.c: the source path map, on real files in a temporary directory, and on
 * the paths the board's xen-syms and vmlinux name (those cases skip when the board has not
 * been built).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "hs-source-path.h"
#include "hs-symbol-file.h"

typedef struct
{
  char *root;                   /* a temporary directory, removed afterwards */
} Fixture;

/* Creates @root/@relative with some C in it. */
static char *
make_file (Fixture    *fx,
           const char *relative)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fx->root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "int main (void) { return 0; }\n", -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL
         && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->root = g_dir_make_tmp ("hs-source-path-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GFile) root = g_file_new_for_path (fx->root);

  remove_tree (root);
  g_free (fx->root);
}

static void
count_changed (HsSourcePathMap *map,
               guint           *count)
{
  (*count)++;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_plain (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *file = make_file (fx, "xen/common/domctl.c");
  g_autofree char *comp_dir = g_build_filename (fx->root, "xen", NULL);
  g_autofree char *dotted = g_build_filename (fx->root, "xen", "arch", "..", "common",
                                              "domctl.c", NULL);
  char *found;

  /* Absolute: as it is. */
  found = hs_source_path_map_resolve (map, NULL, file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);

  /* Relative to the compilation directory (an absolute file ignores it). */
  found = hs_source_path_map_resolve (map, comp_dir, "common/domctl.c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);
  found = hs_source_path_map_resolve (map, "/nonexistent", file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);

  /* ".." as libdwarf leaves it when it joins a comp_dir and a "../x.c" name: here xen/arch
   * does not exist, so only the path without the ".." names the file. */
  found = hs_source_path_map_resolve (map, NULL, dotted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);

  /* A directory is not a source file. */
  g_assert_null (hs_source_path_map_resolve (map, NULL, comp_dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_mapped (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *file = make_file (fx, "linux-6.1/kernel/sched/core.c");
  g_autofree char *tree = g_build_filename (fx->root, "linux-6.1", NULL);
  g_autofree char *tree_slash = g_strconcat (tree, "/", NULL);
  char *found;

  /* Not there, and nothing maps it: the message says what was tried and what to type. */
  g_assert_null (hs_source_path_map_resolve (map, NULL, "/build/linux/kernel/sched/core.c",
                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "/build/linux/kernel/sched/core.c"));
  g_assert_nonnull (strstr (error->message,
                            "sYmbol.SourcePATH.Translate \"/build/linux/kernel/sched\""));
  g_clear_error (&error);

  /* Trailing slashes and repeated ones do not matter. */
  hs_source_path_map_add (map, "/build//linux/", tree_slash);
  found = hs_source_path_map_resolve (map, NULL, "/build/linux/kernel/sched/core.c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);

  /* With a comp_dir the suggestion is the comp_dir, and every path tried is named. */
  g_assert_null (hs_source_path_map_resolve (map, "/build/linux", "kernel/fork.c", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/linux-6.1/kernel/fork.c"));
  g_assert_nonnull (strstr (error->message, "/build/linux/kernel/fork.c"));
  g_assert_nonnull (strstr (error->message, "sYmbol.SourcePATH.Translate \"/build/linux\""));
  g_clear_error (&error);

  /* Whole components only: /build/linux is no prefix of /build/linux-6.1. */
  g_assert_null (hs_source_path_map_resolve (map, NULL, "/build/linux-6.1/kernel/sched/core.c",
                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* "/" maps every absolute path. */
  hs_source_path_map_clear (map);
  hs_source_path_map_add (map, "/", fx->root);
  found = hs_source_path_map_resolve (map, NULL, "/linux-6.1/kernel/sched/core.c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);
}

/* vmlinux from Debian names its C files relative to a relative comp_dir. */
static void
test_relative (Fixture       *fx,
               gconstpointer  data)
{
  static const char build[] = "debian/build/build_arm64_none_cloud-arm64";
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *file = make_file (fx, "linux/init/main.c");
  g_autofree char *tree = g_build_filename (fx->root, "linux", NULL);
  g_autofree char *joined = g_build_filename (build, "init", "main.c", NULL);
  char *found;

  /* Relative and unmapped: not looked up relative to the current directory. */
  g_assert_null (hs_source_path_map_resolve (map, build, "init/main.c", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no source path mapping applies"));
  g_assert_nonnull (strstr (error->message, "sYmbol.SourcePATH.Translate \"debian/build/"));
  g_clear_error (&error);

  hs_source_path_map_add (map, build, tree);
  found = hs_source_path_map_resolve (map, build, "init/main.c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);
  /* The same, joined already (as hs_symbol_file_address_to_line() returns it). */
  found = hs_source_path_map_resolve (map, NULL, joined, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, file);
  g_free (found);
  found = hs_source_path_map_translate (map, joined);
  g_assert_cmpstr (found, ==, file);
  g_free (found);
}

static void
test_longest (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *in_a = make_file (fx, "a/drivers/tty/serial/amba-pl011.c");
  g_autofree char *in_b = make_file (fx, "b/tty/serial/amba-pl011.c");
  g_autofree char *only_a = make_file (fx, "a/drivers/base/core.c");
  g_autofree char *a = g_build_filename (fx->root, "a", NULL);
  g_autofree char *b = g_build_filename (fx->root, "b", NULL);
  g_autofree char *nowhere = g_build_filename (fx->root, "nowhere", NULL);
  char *found;

  /* The longer prefix wins, whichever order they were added in. */
  hs_source_path_map_add (map, "/build/drivers", b);
  hs_source_path_map_add (map, "/build", a);
  found = hs_source_path_map_resolve (map, NULL, "/build/drivers/tty/serial/amba-pl011.c",
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, in_b);
  g_free (found);
  found = hs_source_path_map_translate (map, "/build/drivers/tty/serial/amba-pl011.c");
  g_assert_cmpstr (found, ==, in_b);
  g_free (found);

  /* When the longer one's file is missing, a shorter one that has it will do. */
  found = hs_source_path_map_resolve (map, NULL, "/build/drivers/base/core.c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, only_a);
  g_free (found);

  /* A later entry for the same prefix replaces the earlier one. */
  hs_source_path_map_add (map, "/build/drivers/", nowhere);
  g_assert_cmpuint (hs_source_path_map_get_n_entries (map), ==, 2);
  found = hs_source_path_map_resolve (map, NULL, "/build/drivers/tty/serial/amba-pl011.c",
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, in_a);
  g_free (found);

  /* No stale answers: removing the mapping makes the file unfindable at once. */
  g_assert_true (hs_source_path_map_remove (map, "/build"));
  g_assert_false (hs_source_path_map_remove (map, "/build"));
  g_assert_null (hs_source_path_map_resolve (map, NULL, "/build/drivers/base/core.c", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nowhere/base/core.c"));
  g_clear_error (&error);

  /* Nor when a file appears after a failed lookup. */
  {
    g_autofree char *late = make_file (fx, "nowhere/base/core.c");

    found = hs_source_path_map_resolve (map, NULL, "/build/drivers/base/core.c", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, late);
    g_free (found);
  }
}

static void
test_strv (void)
{
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(HsSourcePathMap) copy = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) saved = NULL;
  g_auto(GStrv) again = NULL;
  g_autofree char *found = NULL;
  const char *bad[] = { "/a=/b", "no-equals-sign", NULL };
  const char *empty[] = { "=/b", NULL };
  guint changed = 0;

  g_signal_connect (map, "changed", G_CALLBACK (count_changed), &changed);
  hs_source_path_map_add (map, "/build/linux", "/home/me/linux");
  g_assert_cmpuint (changed, ==, 1);
  hs_source_path_map_add (map, "/build/linux", "/home/me/linux");   /* no change */
  g_assert_cmpuint (changed, ==, 1);
  hs_source_path_map_add (map, "/odd=dir\\x", "/here=there");
  g_assert_cmpuint (changed, ==, 2);

  saved = hs_source_path_map_to_strv (map);
  g_assert_cmpuint (g_strv_length (saved), ==, 2);
  g_assert_cmpstr (saved[0], ==, "/build/linux=/home/me/linux");
  g_assert_cmpstr (saved[1], ==, "/odd\\=dir\\\\x=/here\\=there");

  g_assert_true (hs_source_path_map_add_strv (copy, (const char * const *) saved, &error));
  g_assert_no_error (error);
  again = hs_source_path_map_to_strv (copy);
  g_assert_cmpstrv (again, saved);
  found = hs_source_path_map_translate (copy, "/odd=dir\\x/a.c");
  g_assert_cmpstr (found, ==, "/here=there/a.c");

  /* All or nothing. */
  g_assert_false (hs_source_path_map_add_strv (map, bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no-equals-sign"));
  g_clear_error (&error);
  g_assert_false (hs_source_path_map_add_strv (map, empty, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (hs_source_path_map_get_n_entries (map), ==, 2);
  g_assert_cmpuint (changed, ==, 2);

  g_assert_true (hs_source_path_map_add_strv (map, (const char *[]) { "/a=/b", NULL }, &error));
  g_assert_cmpuint (changed, ==, 3);
  g_assert_true (hs_source_path_map_remove (map, "/a/"));
  g_assert_cmpuint (changed, ==, 4);
  hs_source_path_map_clear (map);
  g_assert_cmpuint (changed, ==, 5);
  hs_source_path_map_clear (map);
  g_assert_cmpuint (changed, ==, 5);
  g_clear_pointer (&saved, g_strfreev);
  saved = hs_source_path_map_to_strv (map);
  g_assert_cmpuint (g_strv_length (saved), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* The board: address -> path as DWARF names it -> local file                                 */

static HsSymbolFile *
load_board_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "hyperscope", "board",
                                            "out", name, NULL);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: build the board first", path);

      g_test_skip (message);
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

/* xen-syms is built in the cache and its tree kept: its absolute paths resolve as they are. */
static void
test_board_xen (void)
{
  g_autoptr(HsSymbolFile) file = load_board_file ("xen-syms");
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *local = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint line = 0;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "do_domctl", &sym));
  g_assert_true (hs_symbol_file_address_to_line (file, sym.address, &path, &line, &error));
  g_assert_no_error (error);
  g_test_message ("do_domctl: %s:%u", path, line);
  g_assert_true (g_path_is_absolute (path));
  g_assert_true (g_str_has_suffix (path, "/xen/common/domctl.c"));

  local = hs_source_path_map_resolve (map, NULL, path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (local, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, line);
  /* The function's first line is its name's or the brace after it. */
  g_assert_true (strstr (lines[line - 1], "do_domctl") != NULL
                 || (line >= 2 && strstr (lines[line - 2], "do_domctl") != NULL));
}

/* vmlinux's C files come out relative ("debian/build/build_arm64_none_cloud-arm64/...") and its
 * assembly absolute ("/build/reproducible-path/linux-6.1.NNN/..."): two entries map both. */
static void
test_board_linux (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(HsSymbolFile) file = load_board_file ("vmlinux");
  g_autoptr(HsSourcePathMap) map = hs_source_path_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *c_path = NULL;
  g_autofree char *asm_path = NULL;
  g_autofree char *c_file = NULL;
  g_autofree char *asm_file = NULL;
  g_autofree char *tree = NULL;
  g_autofree char *build = NULL;
  g_autofree char *reproducible = NULL;
  char *found;
  const char *p;
  guint line = 0;
  HsSymbol sym;

  if (file == NULL)
    return;
  g_assert_true (hs_symbol_file_lookup (file, "schedule", &sym));
  g_assert_true (hs_symbol_file_address_to_line (file, sym.address, &c_path, &line, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_lookup (file, "__arch_copy_to_user", &sym));
  g_assert_true (hs_symbol_file_address_to_line (file, sym.address, &asm_path, &line, &error));
  g_assert_no_error (error);
  g_test_message ("schedule: %s; __arch_copy_to_user: %s", c_path, asm_path);

  g_assert_false (g_path_is_absolute (c_path));
  p = strstr (c_path, "/kernel/sched/core.c");
  g_assert_nonnull (p);
  build = g_strndup (c_path, p - c_path);
  g_assert_true (g_path_is_absolute (asm_path));
  p = strstr (asm_path, "/arch/arm64/lib/copy_to_user.S");
  g_assert_nonnull (p);
  reproducible = g_strndup (asm_path, p - asm_path);

  c_file = make_file (fx, "linux/kernel/sched/core.c");
  asm_file = make_file (fx, "linux/arch/arm64/lib/copy_to_user.S");
  tree = g_build_filename (fx->root, "linux", NULL);
  hs_source_path_map_add (map, build, tree);
  hs_source_path_map_add (map, reproducible, tree);
  found = hs_source_path_map_resolve (map, NULL, c_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, c_file);
  g_free (found);
  found = hs_source_path_map_resolve (map, NULL, asm_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, asm_file);
  g_free (found);
}

int
main (int   argc,
      char *argv[])
{
  gboolean board = FALSE;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    board |= g_strcmp0 (argv[i], "--board") == 0;

  g_test_add ("/Hs/SourcePath/plain", Fixture, NULL, fixture_set_up, test_plain,
              fixture_tear_down);
  g_test_add ("/Hs/SourcePath/mapped", Fixture, NULL, fixture_set_up, test_mapped,
              fixture_tear_down);
  g_test_add ("/Hs/SourcePath/relative-comp-dir", Fixture, NULL, fixture_set_up, test_relative,
              fixture_tear_down);
  g_test_add ("/Hs/SourcePath/longest-prefix", Fixture, NULL, fixture_set_up, test_longest,
              fixture_tear_down);
  g_test_add_func ("/Hs/SourcePath/strv", test_strv);
  /* The board's own files: with the board's tests (--board), which run once it is built. */
  if (board)
    {
      g_test_add_func ("/Hs/SourcePath/board-xen", test_board_xen);
      g_test_add ("/Hs/SourcePath/board-linux", Fixture, NULL, fixture_set_up, test_board_linux,
                  fixture_tear_down);
    }
  return g_test_run ();
}
