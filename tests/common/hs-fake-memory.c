/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hs-fake-memory.h"

#include <string.h>

HsFakeMemory *
hs_fake_memory_new (void)
{
  HsFakeMemory *m = g_new0 (HsFakeMemory, 1);

  m->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return m;
}

void
hs_fake_memory_free (HsFakeMemory *m)
{
  g_hash_table_unref (m->pages);
  g_free (m);
}

guint8 *
hs_fake_memory_page (HsFakeMemory *m,
                     guint64       va,
                     gboolean      create)
{
  gint64 vpn = (gint64) (va >> 12);
  guint8 *page = g_hash_table_lookup (m->pages, &vpn);

  if (page == NULL && create)
    {
      page = g_malloc0 (4096);
      g_hash_table_insert (m->pages, g_memdup2 (&vpn, sizeof vpn), page);
    }
  return page;
}

void
hs_fake_memory_write (HsFakeMemory *m,
                      guint64       va,
                      const void   *data,
                      gsize         len)
{
  const guint8 *in = data;

  while (len > 0)
    {
      gsize n = MIN (len, 4096 - (va & 0xfff));

      memcpy (hs_fake_memory_page (m, va, TRUE) + (va & 0xfff), in, n);
      va += n;
      in += n;
      len -= n;
    }
}

void
hs_fake_memory_put (HsFakeMemory *m,
                    guint64       va,
                    guint64       value,
                    guint         size)
{
  guint8 le[8];

  g_assert_cmpuint (size, <=, 8);
  for (guint i = 0; i < size; i++)
    le[i] = (guint8) (value >> (8 * i));
  hs_fake_memory_write (m, va, le, size);
}

static gboolean
read_piece (HsFakeMemory  *m,
            guint64        va,
            guint8        *out,
            gsize          len,
            GError       **error)
{
  m->reads++;
  if (m->fail_at != 0 && va <= m->fail_at && m->fail_at - va < len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "unreadable at 0x%" G_GINT64_MODIFIER
                   "x", m->fail_at);
      return FALSE;
    }
  while (len > 0)
    {
      gsize n = MIN (len, 4096 - (va & 0xfff));
      guint8 *page = hs_fake_memory_page (m, va, FALSE);

      if (page == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing at 0x%" G_GINT64_MODIFIER
                       "x", va);
          return FALSE;
        }
      memcpy (out, page + (va & 0xfff), n);
      va += n;
      out += n;
      len -= n;
    }
  return TRUE;
}

gboolean
hs_fake_memory_read (guint64    va,
                     void      *buf,
                     gsize      len,
                     gpointer   user_data,
                     GError   **error)
{
  HsFakeMemory *m = user_data;

  m->round_trips++;
  return read_piece (m, va, buf, len, error);
}

gboolean
hs_fake_memory_readv (HsLinuxRead  *reads,
                      guint         n_reads,
                      gpointer      user_data,
                      GError      **error)
{
  HsFakeMemory *m = user_data;

  m->round_trips++;
  for (guint i = 0; i < n_reads; i++)
    reads[i].ok = read_piece (m, reads[i].va, reads[i].buf, reads[i].len, NULL);
  return TRUE;
}
