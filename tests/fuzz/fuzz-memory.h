/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-memory.h: a guest's kernel memory made of a fuzz target's input, for the walkers that
 * read it through an HsLinuxReader: reads outside it fail, and a cancellation can come after a
 * number of reads the input chooses.
 */
#pragma once

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "hs-linux.h"

typedef struct
{
  const uint8_t *mem;
  size_t size;
  guint64 base;
  guint reads;
  guint cancel_after;          /* 0: never */
  GCancellable *cancellable;
} FuzzMemory;

static inline gboolean
fuzz_memory_read (guint64    va,
                  void      *buf,
                  gsize      len,
                  gpointer   user_data,
                  GError   **error)
{
  FuzzMemory *m = user_data;

  m->reads++;
  if (m->cancel_after != 0 && m->reads >= m->cancel_after)
    g_cancellable_cancel (m->cancellable);
  if (va < m->base || va - m->base > m->size || len > m->size - (va - m->base))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "stage-1 fault at 0x%" G_GINT64_MODIFIER "x (no mapping)", va);
      return FALSE;
    }
  memcpy (buf, m->mem + (va - m->base), len);
  return TRUE;
}

static inline gboolean
fuzz_memory_readv (HsLinuxRead  *reads,
                   guint         n_reads,
                   gpointer      user_data,
                   GError      **error)
{
  for (guint i = 0; i < n_reads; i++)
    reads[i].ok = fuzz_memory_read (reads[i].va, reads[i].buf, reads[i].len, user_data, NULL);
  return TRUE;
}
