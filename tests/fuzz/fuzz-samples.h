/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-samples.h: the symbol files a fuzz target reads besides its input.
 *
 * HS_FUZZ_SAMPLES (compiled in by tests/fuzz/meson.build) names them,
 * ':'-separated. They are loaded once per process, without the on-disk
 * index cache: their DWARF is not what the targets explore.
 */
#pragma once

#include <glib.h>

#include "hs-symbol-file.h"

/* Of HsSymbolFile *, in HS_FUZZ_SAMPLES' order; a file that does not load ends the process. */
static inline GPtrArray *
fuzz_samples (void)
{
  static GPtrArray *loaded;
  g_auto(GStrv) paths = NULL;

  if (loaded != NULL)
    return loaded;
  loaded = g_ptr_array_new ();
  paths = g_strsplit (HS_FUZZ_SAMPLES, ":", -1);
  g_setenv ("HYPERSCOPE_NO_INDEX_CACHE", "1", TRUE);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      HsSymbolFile *file = hs_symbol_file_load (paths[i], &error);

      if (file == NULL)
        g_error ("%s: %s", paths[i], error->message);
      g_ptr_array_add (loaded, file);
    }
  return loaded;
}
