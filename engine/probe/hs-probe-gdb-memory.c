/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-memory.c: the GDB remote probe's memory: 'm' and 'M' in the stub's chunk size, cached for one halt;
 * physical reads through QEMU's phy_memory_mode.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb-private.h"

#include <string.h>

static gboolean
check_phys (HsProbeGdb  *self,
            GError     **error)
{
  if (!self->phys_mode)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the gdbstub at %s:%u cannot access physical memory "
                   "(it has no Qqemu.PhyMemMode)", self->host, self->port);
      return FALSE;
    }
  return TRUE;
}

/* One 'm' request for exactly [addr, addr + len); len <= MEM_CHUNK. */
static gboolean
read_exact (HsProbeGdb  *self,
            guint64      addr,
            gsize        len,
            guint8      *out,
            GError     **error)
{
  g_autofree char *pkt = g_strdup_printf ("m%" G_GINT64_MODIFIER "x,%zx", addr, len);
  g_autofree char *reply = NULL;
  gsize reply_len;

  reply = _hs_gdb_request_len (self, pkt, &reply_len, error);
  if (reply == NULL)
    return FALSE;
  if (reply[0] == 'E' && reply_len == 3)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB,
                   "cannot read physical memory at A:0x%" G_GINT64_MODIFIER "x: "
                   "the gdbstub answered %s", addr, reply);
      return FALSE;
    }
  if (reply_len != len * 2)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "short memory read at A:0x%" G_GINT64_MODIFIER "x: %zu of %zu bytes",
                   addr, reply_len / 2, len);
      return FALSE;
    }
  if (!hs_rsp_hex_decode (reply, reply_len, out))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "bad hex in the memory read at A:0x%" G_GINT64_MODIFIER "x", addr);
      return FALSE;
    }
  return TRUE;
}

/* The cached aligned chunk holding @chunk_addr, or NULL (no error) if the stub refused it. */
static const guint8 *
get_chunk (HsProbeGdb  *self,
           guint64      chunk_addr,
           GError     **error)
{
  guint8 *data = g_hash_table_lookup (self->mem_cache, &chunk_addr);
  g_autoptr(GError) local_error = NULL;
  guint64 *key;

  if (data != NULL)
    return data;

  data = g_malloc (MEM_CHUNK);
  if (!read_exact (self, chunk_addr, MEM_CHUNK, data, &local_error))
    {
      g_free (data);
      /* A hole somewhere in the chunk: the caller retries just the bytes it wants. */
      if (!g_error_matches (local_error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (self->mem_cache_bytes >= MEM_CACHE_LIMIT)
    {
      g_hash_table_remove_all (self->mem_cache);
      self->mem_cache_bytes = 0;
    }
  key = g_new (guint64, 1);
  *key = chunk_addr;
  g_hash_table_insert (self->mem_cache, key, data);
  self->mem_cache_bytes += MEM_CHUNK;
  return data;
}

static gboolean
hs_probe_gdb_read_memory (HsProbe  *probe,
                          guint64   phys,
                          guint8   *buf,
                          gsize     len,
                          GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gsize done = 0;

  if (len > 0 && phys + (len - 1) < phys)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the range A:0x%" G_GINT64_MODIFIER "x + 0x%zx wraps around", phys, len);
      return FALSE;
    }

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !check_phys (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  while (done < len)
    {
      guint64 addr = phys + done;
      guint64 chunk_addr = addr & ~(guint64) (MEM_CHUNK - 1);
      gsize off = addr - chunk_addr;
      gsize n = MIN (len - done, MEM_CHUNK - off);
      g_autoptr(GError) local_error = NULL;
      const guint8 *chunk = get_chunk (self, chunk_addr, &local_error);

      if (chunk != NULL)
        memcpy (buf + done, chunk + off, n);
      else if (local_error != NULL || !read_exact (self, addr, n, buf + done, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          hs_mutex_unlock (&self->io_lock);
          return FALSE;
        }
      done += n;
    }
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

/*
 * Reads through the stub's own translation on @core (QEMU: the core's current regime,
 * stages 1 and 2). Not cached and not part of HsProbe: it exists to cross-check our walks.
 */
gboolean
hs_probe_gdb_read_virtual (HsProbeGdb  *self,
                           guint        core,
                           guint64      va,
                           guint8      *buf,
                           gsize        len,
                           GError     **error)
{
  gboolean ok = TRUE;
  gsize done = 0;

  g_return_val_if_fail (HS_IS_PROBE_GDB (self), FALSE);

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !_hs_gdb_check_core (self, core, error)
      || !check_phys (self, error) || !_hs_gdb_select_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  if (!_hs_gdb_request_ok (self, "Qqemu.PhyMemMode:0", "switch to virtual memory access", error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  while (ok && done < len)
    {
      gsize n = MIN (len - done, MEM_CHUNK - ((va + done) & (MEM_CHUNK - 1)));

      ok = read_exact (self, va + done, n, buf + done, error);
      done += n;
    }
  /* Back to physical whatever happened: every other read depends on it. */
  if (!_hs_gdb_request_ok (self, "Qqemu.PhyMemMode:1", "switch back to physical memory access",
                   ok ? error : NULL))
    ok = FALSE;
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_write_memory (HsProbe       *probe,
                           guint64        phys,
                           const guint8  *buf,
                           gsize          len,
                           GError       **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gsize done = 0;

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !check_phys (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  while (done < len)
    {
      gsize n = MIN (len - done, MEM_WRITE_CHUNK);
      g_autofree char *hex = hs_rsp_hex_encode (buf + done, n);
      g_autofree char *pkt = g_strdup_printf ("M%" G_GINT64_MODIFIER "x,%zx:%s",
                                              phys + done, n, hex);

      if (!_hs_gdb_request_ok (self, pkt, "write memory", error))
        {
          g_hash_table_remove_all (self->mem_cache);
          self->mem_cache_bytes = 0;
          hs_mutex_unlock (&self->io_lock);
          return FALSE;
        }
      done += n;
    }
  /* Simplest correct thing: the next read sees what the target now holds. */
  g_hash_table_remove_all (self->mem_cache);
  self->mem_cache_bytes = 0;
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

void
_hs_gdb_memory_iface_init (HsProbeInterface *iface)
{
  iface->read_memory = hs_probe_gdb_read_memory;
  iface->write_memory = hs_probe_gdb_write_memory;
}
