/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-main.c: runs a fuzz target over files, for builds without libFuzzer.
 *
 * `meson test --suite fuzz` replays each target's seed corpus (and any
 * reproducer added to it) this way in every build; a build configured with
 * -Dfuzzing=true links libFuzzer instead, which explores from the same seeds.
 *
 * Usage: fuzz-NAME FILE|DIR...
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint
run_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  GDir *dir;
  guint n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      const char *name;

      dir = g_dir_open (path, 0, &error);
      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          n += run_path (child);
        }
      g_dir_close (dir);
      return n;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    n += run_path (argv[i]);
  if (n == 0)
    g_error ("no inputs");
  printf ("%u inputs ran\n", n);
  return 0;
}
