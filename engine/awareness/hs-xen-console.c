/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-xen-console.c: Xen's console ring (conring), read as console.c's own reader
 * (read_console_ring()) reads it, and split into lines.
 */
#define G_LOG_DOMAIN "hs-xen"

#include "config.h"

#include "hs-xen-console.h"

#include <string.h>

/* What the ring is read in: one request a stub answers at once is not the point, a bound on
 * what one failed read costs is. */
#define CHUNK (64 * 1024)

static gboolean
read_variable (HsSymbolFile   *xen,
               guint64         offset,
               const char     *name,
               gsize           size,
               HsXenReadFunc   read,
               gpointer        user_data,
               guint64        *value,
               GError        **error)
{
  guint8 buf[8] = { 0 };
  GError *local_error = NULL;
  HsSymbol sym;

  g_assert (size <= 8);
  if (!hs_symbol_file_lookup (xen, name, &sym))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no symbol %s: is it Xen's xen-syms?", hs_symbol_file_get_path (xen),
                   name);
      return FALSE;
    }
  if (sym.size != 0 && sym.size != size)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "xen-syms: %s is %" G_GUINT64_FORMAT " bytes, not %" G_GSIZE_FORMAT
                   " as in Xen 4.x's console.c", name, sym.size, size);
      return FALSE;
    }
  if (!read (sym.address + offset, buf, size, user_data, &local_error))
    {
      g_propagate_prefixed_error (error, local_error, "cannot read Xen's %s at 0x%"
                                  G_GINT64_MODIFIER "x: ", name, sym.address + offset);
      return FALSE;
    }
  *value = 0;
  for (gsize i = size; i > 0; i--)
    *value = *value << 8 | buf[i - 1];
  return TRUE;
}

gboolean
hs_xen_console_read (HsSymbolFile      *xen,
                     guint64            offset,
                     HsXenReadFunc      read,
                     gpointer           user_data,
                     GArray            *lines,
                     HsXenConsoleInfo  *info,
                     GError           **error)
{
  HsXenConsoleInfo got = { 0 };
  guint64 ring, size, producer, consumer, start, len;
  g_autofree guint8 *text = NULL;
  gsize line_start = 0;
  gboolean cut_first = FALSE;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (xen), FALSE);
  g_return_val_if_fail (read != NULL, FALSE);
  g_return_val_if_fail (lines != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!read_variable (xen, offset, "conring", 8, read, user_data, &ring, error)
      || !read_variable (xen, offset, "conring_size", 4, read, user_data, &size, error)
      || !read_variable (xen, offset, "conringp", 4, read, user_data, &producer, error)
      || !read_variable (xen, offset, "conringc", 4, read, user_data, &consumer, error))
    return FALSE;
  if (size == 0 || (size & (size - 1)) != 0 || size > HS_XEN_CONSOLE_MAX_SIZE || ring == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Xen's console ring holds impossible values: conring 0x%" G_GINT64_MODIFIER
                   "x, conring_size %" G_GUINT64_FORMAT " (a power of two of at most %u)", ring,
                   size, HS_XEN_CONSOLE_MAX_SIZE);
      return FALSE;
    }

  /* The indexes are free-running 32-bit counters: what lies between them is their difference
   * modulo 2^32, of which the ring keeps the last conring_size bytes (console.c's
   * conring_puts() pushes conringc no further than that itself). */
  len = (guint32) (producer - consumer);
  if (len > size)
    len = size;
  start = (guint32) (producer - len);
  got = (HsXenConsoleInfo) { ring, (guint32) size, (guint32) producer, (guint32) consumer,
                             (guint32) start, len == size };

  /* A line Xen began before the oldest byte kept has lost its start: it is not shown. Whether
   * the byte before is a newline is known while the ring has not wrapped over it. */
  if (start != 0)
    {
      guint8 before = 0;

      if (len == size
          || !read (ring + ((start - 1) & (size - 1)), &before, 1, user_data, NULL)
          || before != '\n')
        cut_first = TRUE;
    }

  text = g_malloc (MAX (len, 1));
  for (guint64 done = 0; done < len;)
    {
      guint64 idx = (start + done) & (size - 1);
      guint64 n = MIN (MIN (len - done, size - idx), CHUNK);
      GError *local_error = NULL;

      if (!read (ring + idx, text + done, n, user_data, &local_error))
        {
          g_propagate_prefixed_error (error, local_error, "cannot read Xen's console ring at 0x%"
                                      G_GINT64_MODIFIER "x: ", ring + idx);
          return FALSE;
        }
      done += n;
    }

  if (cut_first)
    {
      const guint8 *nl = memchr (text, '\n', len);

      line_start = nl ? (gsize) (nl - text) + 1 : len;
    }
  while (line_start < len)
    {
      const guint8 *nl = memchr (text + line_start, '\n', len - line_start);
      gsize end = nl ? (gsize) (nl - text) + 1 : len;
      HsLogLine proto = { 0 };

      proto.seq = (guint32) (start + end);
      proto.level = -1;
      proto.unfinished = nl == NULL;
      /* One line each: the piece holds at most one '\n', at its end. */
      hs_log_append_text (lines, &proto, text + line_start, end - line_start);
      line_start = end;
    }
  if (info != NULL)
    *info = got;
  return TRUE;
}
