/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-symbols.c: what it costs to get from a 273 MB vmlinux to the first
 * Linux-awareness answers: load (ELF symbol table), DWARF index, then the
 * "first awareness query" (sizeof task_struct, the offsets of tasks, pid, tgid,
 * comm, mm, thread.cpu_context, and init_task's address). Prints each phase
 * and the peak memory; bench-symbols.sh runs it next to gdb. Numbers, not
 * pass/fail: the thresholds live in issues.
 *
 * The DWARF index comes from the on-disk cache when there is one (see
 * hs-dwarf-index-cache.c): bench-symbols.sh times a first load without it and
 * a second load with it. The last line, "hs-total <seconds>", is for that
 * script.
 *
 * Usage: bench-symbols [FILE]   (default: the board's vmlinux)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

static const char *members[] = {
  "tasks", "pid", "tgid", "comm", "mm", "thread.cpu_context",
};

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
print_memory (void)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmHWM:") || g_str_has_prefix (lines[i], "RssAnon:")
        || g_str_has_prefix (lines[i], "RssFile:"))
      {
        g_autofree char *line = g_strdup (lines[i]);

        printf ("  %s\n", g_strdelimit (line, "\t", ' '));
      }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_path = g_build_filename (g_get_user_cache_dir (), "hyperscope",
                                                    "board", "out", "vmlinux", NULL);
  const char *path = argc > 1 ? argv[1] : default_path;
  g_autoptr(HsSymbolFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  double t_load, t_index, t_query, t_total, t_warm;
  const char *source;
  guint64 size = 0;
  HsSymbol init_task;
  gint64 start, phase;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "%s is absent: build the board first (hyperscope-board build)\n", path);
      return 77;
    }

  start = phase = g_get_monotonic_time ();
  file = hs_symbol_file_load (path, &error);
  if (file == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  t_load = seconds_since (phase);

  phase = g_get_monotonic_time ();
  if (!hs_symbol_file_index (file, NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  t_index = seconds_since (phase);

  phase = g_get_monotonic_time ();
  if (!hs_symbol_file_get_type_size (file, "task_struct", &size, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  printf ("sizeof (struct task_struct) = %" G_GUINT64_FORMAT "\n", size);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      guint64 offset = 0, member_size = 0;

      if (!hs_symbol_file_member (file, "task_struct", members[i], &offset, &member_size,
                                  &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("task_struct.%-20s offset %5" G_GUINT64_FORMAT " size %4" G_GUINT64_FORMAT "\n",
              members[i], offset, member_size);
    }
  if (!hs_symbol_file_lookup (file, "init_task", &init_task))
    {
      fprintf (stderr, "no init_task in %s\n", path);
      return 1;
    }
  printf ("init_task = 0x%" G_GINT64_MODIFIER "x\n", init_task.address);
  t_query = seconds_since (phase);
  t_total = seconds_since (start);

  /* The same queries again, as an awareness refresh on every halt would make them. */
  phase = g_get_monotonic_time ();
  for (guint round = 0; round < 100; round++)
    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      hs_symbol_file_member (file, "task_struct", members[i], NULL, NULL, NULL);
  t_warm = seconds_since (phase) / (100 * G_N_ELEMENTS (members));

  switch (_hs_symbol_file_get_index_source (file))
    {
    case HS_DWARF_INDEX_CACHE:
      source = "loaded from the index cache";
      break;
    case HS_DWARF_INDEX_SCAN:
      source = "scanned";
      break;
    case HS_DWARF_INDEX_LIBDWARF:
      source = "walked through libdwarf";
      break;
    default:
      source = "?";
      break;
    }
  description = hs_symbol_file_describe (file);
  printf ("\n%s", description);
  printf ("\nphases:\n");
  printf ("  load + ELF symbol table  %7.3f s (%u symbols)\n", t_load,
          hs_symbol_file_get_n_symbols (file));
  printf ("  DWARF name index         %7.3f s (%s)\n", t_index, source);
  printf ("  first awareness query    %7.3f s\n", t_query);
  printf ("  total                    %7.3f s\n", t_total);
  printf ("  one member lookup, warm  %7.1f us\n", t_warm * 1e6);
  printf ("memory (RssFile is the mapped file: page cache, shared and reclaimable):\n");
  print_memory ();
  printf ("hs-total %.4f\n", t_total);
  return 0;
}
