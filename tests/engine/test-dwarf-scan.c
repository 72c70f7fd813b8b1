/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-dwarf-scan.c: the fast DWARF indexer (engine/symbols/hs-dwarf-scan.c)
 * against the libdwarf walk it replaces, and the on-disk index cache
 * (hs-dwarf-index-cache.c).
 *
 * Every sample the build compiles (HS_DWARF_SCAN_SAMPLES, a list of paths: DWARF 2 to 5, 64-bit
 * DWARF, type units, split DWARF, -O2 code with abstract origins, the Linux and unwind samples)
 * is indexed both ways, on one thread and on several, and the indexes compared entry by entry.
 * With --vmlinux (the board's tests) the board's vmlinux and xen-syms are too.
 *
 * The cache cases run in a private HYPERSCOPE_INDEX_CACHE_DIR made here.
 */
#define G_LOG_DOMAIN "test-dwarf-scan"

#include "config.h"

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

#include <glib/gstdio.h>
#include <string.h>

static gboolean with_board;
static char *cache_dir;

/* ------------------------------------------------------------------------------------------ */
/* Comparing two indexes                                                                      */

static const char *ns_names[HS_DWARF_NS_COUNT] = {
  "struct", "union", "enum", "typedef", "variable", "function",
};

static void
assert_same_index (const char         *label,
                   const HsDwarfIndex *expected,
                   const HsDwarfIndex *actual)
{
  g_assert_cmpuint (actual->cus->len, ==, expected->cus->len);
  for (guint i = 0; i < expected->cus->len; i++)
    {
      const HsDwarfCu *a = &g_array_index (expected->cus, HsDwarfCu, i);
      const HsDwarfCu *b = &g_array_index (actual->cus, HsDwarfCu, i);

      g_assert_cmpuint (b->die, ==, a->die);
      g_assert_cmpuint (b->version, ==, a->version);
      g_assert_cmpstr (b->name, ==, a->name);
    }
  g_assert_cmpuint (actual->n_dies, ==, expected->n_dies);

  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    {
      GHashTableIter iter;
      gpointer name, entry;
      guint differences = 0;

      g_hash_table_iter_init (&iter, expected->names[ns]);
      while (g_hash_table_iter_next (&iter, &name, &entry))
        {
          gpointer other;

          if (!g_hash_table_lookup_extended (actual->names[ns], name, NULL, &other))
            {
              if (differences++ < 10)
                g_test_message ("%s: %s %s: missing (expected DIE 0x%" G_GINT64_MODIFIER "x%s)",
                                label, ns_names[ns], (const char *) name,
                                (guint64) HS_DWARF_ENTRY_OFFSET (entry),
                                HS_DWARF_ENTRY_WEAK (entry) ? ", weak" : "");
            }
          else if (other != entry)
            {
              if (differences++ < 10)
                g_test_message ("%s: %s %s: DIE 0x%" G_GINT64_MODIFIER "x%s instead of 0x%"
                                G_GINT64_MODIFIER "x%s", label, ns_names[ns],
                                (const char *) name, (guint64) HS_DWARF_ENTRY_OFFSET (other),
                                HS_DWARF_ENTRY_WEAK (other) ? " (weak)" : "",
                                (guint64) HS_DWARF_ENTRY_OFFSET (entry),
                                HS_DWARF_ENTRY_WEAK (entry) ? " (weak)" : "");
            }
        }
      g_assert_cmpuint (differences, ==, 0);
      g_assert_cmpuint (g_hash_table_size (actual->names[ns]), ==,
                        g_hash_table_size (expected->names[ns]));
    }
}

static void
check_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSymbolFile) file = hs_symbol_file_load (path, &error);
  HsDwarfIndex *reference, *scanned;
  g_autofree char *label = g_path_get_basename (path);
  guint64 n_names = 0;

  if (g_error_matches (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_SYMTAB))
    return;                            /* the stripped sample */
  g_assert_no_error (error);
  if (!hs_symbol_file_has_dwarf (file))
    return;

  reference = _hs_dwarf_build_index_for_test (file, HS_DWARF_INDEX_LIBDWARF, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);
  g_assert_cmpint (reference->source, ==, HS_DWARF_INDEX_LIBDWARF);
  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    n_names += g_hash_table_size (reference->names[ns]);
  g_test_message ("%s: %u CUs, %" G_GUINT64_FORMAT " top-level DIEs, %" G_GUINT64_FORMAT
                  " names (libdwarf: %.3f s)", label, reference->cus->len, reference->n_dies,
                  n_names, reference->seconds);
  g_assert_cmpuint (reference->cus->len, >, 0);

  /* One thread, the default, and more threads than units per thread would want. */
  for (guint threads = 0; threads <= 4; threads += threads == 0 ? 1 : 3)
    {
      g_autofree char *what = g_strdup_printf ("%s, %u threads", label, threads);

      scanned = _hs_dwarf_build_index_for_test (file, HS_DWARF_INDEX_SCAN, threads, &error);
      g_assert_no_error (error);
      g_assert_nonnull (scanned);
      /* The samples are all within what the scanner reads itself: no quiet fallback. */
      g_assert_cmpint (scanned->source, ==, HS_DWARF_INDEX_SCAN);
      g_test_message ("%s: scanned in %.3f s", what, scanned->seconds);
      assert_same_index (what, reference, scanned);
      _hs_dwarf_index_free (scanned);
    }
  _hs_dwarf_index_free (reference);
}

static void
test_samples (void)
{
  const char *list = g_getenv ("HS_DWARF_SCAN_SAMPLES");
  g_auto(GStrv) paths = NULL;
  guint checked = 0;

  if (list == NULL || list[0] == 0)
    {
      g_test_skip ("no AArch64 samples were built (no aarch64-linux-gnu-gcc?)");
      return;
    }
  paths = g_strsplit (list, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (paths[i][0] == 0)
        continue;
      check_file (paths[i]);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 5);
}

static void
test_board_file (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "hyperscope", "board",
                                            "out", name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: build the board first", path);

      g_test_skip (message);
      return;
    }
  check_file (path);
}

/* ------------------------------------------------------------------------------------------ */
/* Corrupt DWARF: an error or an index, never a crash or a hang                              */

static gboolean
section_range (const char *contents,
               gsize       len,
               const char *wanted,
               guint64    *start,
               guint64    *size)
{
  Elf *elf;
  Elf_Scn *scn = NULL;
  size_t shstrndx;
  gboolean found = FALSE;

  elf_version (EV_CURRENT);
  elf = elf_memory ((char *) contents, len);
  g_assert_nonnull (elf);
  g_assert_cmpint (elf_getshdrstrndx (elf, &shstrndx), ==, 0);
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      const char *name;

      gelf_getshdr (scn, &shdr);
      name = elf_strptr (elf, shstrndx, shdr.sh_name);
      if (name != NULL && strcmp (name, wanted) == 0 && shdr.sh_size > 0)
        {
          *start = shdr.sh_offset;
          *size = shdr.sh_size;
          found = TRUE;
        }
    }
  elf_end (elf);
  return found;
}

static void
test_corrupt (void)
{
  const char *sample_path = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF5");
  static const char *sections[] = { ".debug_info", ".debug_abbrev", ".debug_str" };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GRand *rand;
  gsize len = 0;
  guint runs = 0, failures = 0;

  if (sample_path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built");
      return;
    }
  g_file_get_contents (sample_path, &contents, &len, &error);
  g_assert_no_error (error);
  dir = g_dir_make_tmp ("test-dwarf-scan-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "corrupt", NULL);

  rand = g_rand_new_with_seed (20241201);
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      guint64 start = 0, size = 0;

      if (!section_range (contents, len, sections[s], &start, &size))
        continue;
      for (guint round = 0; round < 150; round++)
        {
          g_autofree char *copy = g_memdup2 (contents, len);
          g_autoptr(HsSymbolFile) file = NULL;
          guint n = 1 + g_rand_int_range (rand, 0, 8);

          /* A few random bytes, or a run of 0xff (huge lengths, codes and offsets). */
          for (guint i = 0; i < n; i++)
            {
              guint64 at = start + g_rand_int_range (rand, 0, size);

              if (round % 4 == 0)
                memset (copy + at, 0xff, MIN (8, start + size - at));
              else
                copy[at] = g_rand_int_range (rand, 0, 256);
            }
          g_file_set_contents (path, copy, len, &error);
          g_assert_no_error (error);
          file = hs_symbol_file_load (path, NULL);
          if (file == NULL)
            continue;
          for (guint threads = 1; threads <= 3; threads += 2)
            {
              HsDwarfIndex *index = _hs_dwarf_build_index_for_test (file, HS_DWARF_INDEX_SCAN,
                                                                    threads, &error);

              if (index == NULL)
                {
                  g_assert_nonnull (error);
                  g_assert_cmpstr (error->message, !=, "");
                  failures++;
                  g_clear_error (&error);
                }
              _hs_dwarf_index_free (index);
            }
          runs++;
        }
    }
  g_rand_free (rand);
  g_remove (path);
  g_rmdir (dir);
  g_test_message ("%u corrupted copies survived, %u scans ended in an error", runs, failures);
  g_assert_cmpuint (runs, >, 100);
}

/* ------------------------------------------------------------------------------------------ */
/* The cache                                                                                  */

/* The one cache file in cache_dir, or NULL. */
static char *
find_cache_file (void)
{
  g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".idx"))
      return g_build_filename (cache_dir, name, NULL);
  return NULL;
}

static void
clear_cache (void)
{
  g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (cache_dir, name, NULL);

      g_remove (path);
    }
}

/* Loads and indexes @path, compares the index with @reference unless NULL, and returns how
 * the index was obtained. */
static HsDwarfIndexSource
index_and_compare (const char         *path,
                   const HsDwarfIndex *reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSymbolFile) file = hs_symbol_file_load (path, &error);
  HsDwarfIndexSource source;
  guint64 size = 0;

  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_index (file, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  source = _hs_symbol_file_get_index_source (file);
  /* No lock needed: no other thread knows this file. */
  if (reference != NULL)
    assert_same_index ("cache", reference, file->index);
  /* And the index answers queries. */
  g_assert_true (hs_symbol_file_get_type_size (file, "sample", &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, >, 0);
  return source;
}

static void
rewrite (const char *path,
         gsize       offset,
         gboolean    truncate)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offset, <, len);
  if (truncate)
    len = offset;
  else
    contents[offset] ^= 0x5a;
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
test_cache (void)
{
  const char *path = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF5");
  const char *other_path = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF4");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSymbolFile) keep = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *other_cache = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  HsDwarfIndex *reference;

  if (path == NULL || other_path == NULL)
    {
      g_test_skip ("the AArch64 samples were not built");
      return;
    }
  /* The reference's names point into its file's mapping: keep that file open. */
  keep = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  reference = _hs_dwarf_build_index_for_test (keep, HS_DWARF_INDEX_LIBDWARF, 0, &error);
  g_assert_no_error (error);

  clear_cache ();
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  cache = find_cache_file ();
  g_assert_nonnull (cache);

  /* Reopening uses the cache, and it gives the same index. */
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_CACHE);

  /* A byte changed anywhere after the magic, in the header or the payload: rejected, rebuilt
   * (and saved again, so the next open uses the cache again). */
  g_file_get_contents (cache, &contents, &len, &error);
  g_assert_no_error (error);
  for (gsize offset = 8; offset < len; offset += MAX (1, len / 37))
    {
      rewrite (cache, offset, FALSE);
      g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
      g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_CACHE);
    }
  /* The last byte (the strings' final NUL), and truncations. */
  rewrite (cache, len - 1, FALSE);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  for (gsize cut = 0; cut < len; cut += MAX (1, len / 11))
    {
      rewrite (cache, cut, TRUE);
      g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
    }
  rewrite (cache, len - 1, TRUE);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_CACHE);

  /* Another file's cache under this file's name: a different build ID, ignored. */
  index_and_compare (other_path, NULL);
  other_cache = NULL;
  {
    g_autoptr(GDir) dir = g_dir_open (cache_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *full = g_build_filename (cache_dir, name, NULL);

        if (strcmp (full, cache) != 0)
          other_cache = g_steal_pointer (&full);
      }
  }
  g_assert_nonnull (other_cache);
  g_assert_cmpint (g_rename (other_cache, cache), ==, 0);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_CACHE);

  /* HYPERSCOPE_NO_INDEX_CACHE=1: neither read nor written. */
  g_setenv ("HYPERSCOPE_NO_INDEX_CACHE", "1", TRUE);
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  clear_cache ();
  g_assert_cmpint (index_and_compare (path, reference), ==, HS_DWARF_INDEX_SCAN);
  g_assert_null (find_cache_file ());
  g_unsetenv ("HYPERSCOPE_NO_INDEX_CACHE");

  _hs_dwarf_index_free (reference);
}

/* A file without a build ID is never cached. */
static void
test_cache_no_build_id (void)
{
  const char *path = g_getenv ("HS_DWARF_SCAN_NO_BUILD_ID");

  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample without a build ID was not built");
      return;
    }
  clear_cache ();
  g_assert_cmpint (index_and_compare (path, NULL), ==, HS_DWARF_INDEX_SCAN);
  g_assert_null (find_cache_file ());
  g_assert_cmpint (index_and_compare (path, NULL), ==, HS_DWARF_INDEX_SCAN);
}

/* Cancelling the scan: an error, nothing kept, and the next query indexes. */
static void
test_cancel (void)
{
  const char *path = g_getenv ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint64 size = 0;

  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built");
      return;
    }
  clear_cache ();
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (hs_symbol_file_index (file, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (find_cache_file ());
  g_assert_true (hs_symbol_file_get_type_size (file, "sample", &size, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  for (int i = 1; i < argc; i++)
    with_board |= g_strcmp0 (argv[i], "--vmlinux") == 0;

  /* Before any thread exists: g_setenv() is not thread-safe. */
  cache_dir = g_dir_make_tmp ("test-dwarf-scan-cache-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HYPERSCOPE_INDEX_CACHE_DIR", cache_dir, TRUE);
  g_unsetenv ("HYPERSCOPE_NO_INDEX_CACHE");

  g_test_init (&argc, &argv, NULL);
  if (with_board)
    {
      g_test_add_data_func ("/Hs/DwarfScan/vmlinux", "vmlinux", test_board_file);
      g_test_add_data_func ("/Hs/DwarfScan/xen-syms", "xen-syms", test_board_file);
    }
  else
    {
      g_test_add_func ("/Hs/DwarfScan/samples", test_samples);
      g_test_add_func ("/Hs/DwarfScan/corrupt", test_corrupt);
      g_test_add_func ("/Hs/DwarfScan/cache", test_cache);
      g_test_add_func ("/Hs/DwarfScan/cache-no-build-id", test_cache_no_build_id);
      g_test_add_func ("/Hs/DwarfScan/cancel", test_cancel);
    }
  result = g_test_run ();

  clear_cache ();
  g_rmdir (cache_dir);
  g_free (cache_dir);
  return result;
}
