/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-memory.c: the GDB remote probe's memory: 'm' and 'M' in the stub's chunk size, cached for one halt;
 * physical reads through QEMU's phy_memory_mode.
 *
 * Two granules: big reads go through 2 KiB chunks, fetched many at once; small ones (a page
 * table entry, a few fields) through 256-byte lines. A halt mostly reads what the previous one
 * read (Xen's domain list, the page tables to it, the same vCPUs), so the lines one halt
 * fetched are fetched again at once, pipelined, by the next halt's first small read: a guess,
 * but every byte of it is read at this halt, so it can be wasted, never wrong.
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

/* The reply to one 'm' request for @len bytes at @addr into @out; FALSE without @error when the
 * stub refused (an 'E' reply: nothing there). */
static gboolean
decode_read (guint64      addr,
             gsize        len,
             const char  *reply,
             gsize        reply_len,
             guint8      *out,
             GError     **error)
{
  if (reply[0] == 'E' && reply_len == 3)
    return FALSE;
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

static void
cache_chunk (HsProbeGdb *self,
             guint64     chunk_addr,
             guint8     *data)
{
  guint64 *key;

  if (self->mem_cache_bytes >= MEM_CACHE_LIMIT)
    {
      g_hash_table_remove_all (self->mem_cache);
      self->mem_cache_bytes = 0;
    }
  key = g_new (guint64, 1);
  *key = chunk_addr;
  g_hash_table_insert (self->mem_cache, key, data);
  self->mem_cache_bytes += MEM_CHUNK;
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
  GError *local_error = NULL;
  gsize reply_len;

  reply = _hs_gdb_request_len (self, pkt, &reply_len, error);
  if (reply == NULL)
    return FALSE;
  if (decode_read (addr, len, reply, reply_len, out, &local_error))
    return TRUE;
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB,
                 "cannot read physical memory at A:0x%" G_GINT64_MODIFIER "x: "
                 "the gdbstub answered %s", addr, reply);
  return FALSE;
}

void
_hs_gdb_memory_init (HsProbeGdb *self)
{
  self->mem_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->line_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->line_log = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->line_ahead = g_array_new (FALSE, FALSE, sizeof (guint64));
}

void
_hs_gdb_memory_clear (HsProbeGdb *self)
{
  g_clear_pointer (&self->mem_cache, g_hash_table_unref);
  g_clear_pointer (&self->line_cache, g_hash_table_unref);
  g_clear_pointer (&self->line_log, g_array_unref);
  g_clear_pointer (&self->line_ahead, g_array_unref);
}

void
_hs_gdb_memory_forget (HsProbeGdb *self,
                       gboolean    resumed)
{
  if (self->mem_cache == NULL)
    return;
  g_hash_table_remove_all (self->mem_cache);
  self->mem_cache_bytes = 0;
  g_hash_table_remove_all (self->line_cache);
  if (resumed && self->line_log->len > 0)
    {
      GArray *swap = self->line_ahead;

      self->line_ahead = self->line_log;
      self->line_log = swap;
    }
  else if (!resumed)
    g_array_set_size (self->line_ahead, 0);
  g_array_set_size (self->line_log, 0);
}

/* A line's bytes, and whether this halt has used it: only used lines are next halt's guess, so
 * a guess that stopped being read is not fetched again and again. */
typedef struct
{
  guint8 bytes[MEM_LINE];
  gboolean used;
} Line;

static void
cache_line (HsProbeGdb *self,
            guint64     line_addr,
            Line       *line)
{
  guint64 *key = g_new (guint64, 1);

  if (g_hash_table_size (self->line_cache) >= MEM_CACHE_LIMIT / MEM_LINE)
    g_hash_table_remove_all (self->line_cache);
  *key = line_addr;
  g_hash_table_insert (self->line_cache, key, line);
}

static void
use_line (HsProbeGdb *self,
          guint64     line_addr,
          Line       *line)
{
  if (line->used)
    return;
  line->used = TRUE;
  if (self->line_log->len < MAX_LINES_AHEAD)
    g_array_append_val (self->line_log, line_addr);
}

typedef struct
{
  HsProbeGdb *self;
  const guint64 *lines;
} LineBatch;

static gboolean
take_line (guint        index,
           const char  *reply,
           gsize        len,
           gpointer     user_data,
           GError     **error)
{
  LineBatch *b = user_data;
  g_autofree Line *line = g_new0 (Line, 1);
  GError *local_error = NULL;

  /* A guess that fails (refused, or a reply that does not parse) is only not cached: the read
   * that needs the line asks for it again and gets the error itself. */
  if (decode_read (b->lines[index], MEM_LINE, reply, len, line->bytes, &local_error))
    cache_line (b->self, b->lines[index], g_steal_pointer (&line));
  g_clear_error (&local_error);
  return TRUE;
}

/* The first small read of a halt: the lines the previous halt fetched, all at once. */
static gboolean
read_lines_ahead (HsProbeGdb  *self,
                  GError     **error)
{
  g_autoptr(GArray) lines = g_steal_pointer (&self->line_ahead);
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_full (lines->len, g_free);
  LineBatch b = { self, (const guint64 *) lines->data };

  self->line_ahead = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < lines->len; i++)
    g_ptr_array_add (payloads, g_strdup_printf ("m%" G_GINT64_MODIFIER "x,%x",
                                                g_array_index (lines, guint64, i), MEM_LINE));
  if (lines->len == 0)
    return TRUE;
  return _hs_gdb_pipeline (self, (char * const *) payloads->pdata, payloads->len, 64, take_line,
                           &b, error);
}

/* A read inside one line: from a cached chunk or line, else the line is fetched (or, where the
 * stub refuses the whole line, just the bytes). With io_lock held. */
static gboolean
read_small (HsProbeGdb  *self,
            guint64      addr,
            gsize        len,
            guint8      *buf,
            GError     **error)
{
  guint64 chunk_addr = addr & ~(guint64) (MEM_CHUNK - 1);
  guint64 line_addr = addr & ~(guint64) (MEM_LINE - 1);
  const guint8 *data = g_hash_table_lookup (self->mem_cache, &chunk_addr);
  g_autoptr(GError) local_error = NULL;
  Line *line;

  if (data != NULL)
    {
      memcpy (buf, data + (addr - chunk_addr), len);
      return TRUE;
    }
  if (self->line_ahead->len > 0 && !read_lines_ahead (self, error))
    return FALSE;
  line = g_hash_table_lookup (self->line_cache, &line_addr);
  if (line == NULL)
    {
      g_autofree Line *fresh = g_new0 (Line, 1);

      if (!read_exact (self, line_addr, MEM_LINE, fresh->bytes, &local_error))
        {
          if (!g_error_matches (local_error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          return read_exact (self, addr, len, buf, error);
        }
      line = fresh;
      cache_line (self, line_addr, g_steal_pointer (&fresh));
    }
  use_line (self, line_addr, line);
  memcpy (buf, line->bytes + (addr - line_addr), len);
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
  cache_chunk (self, chunk_addr, data);
  return data;
}

/* A batch of 'm' requests: either whole chunks for the cache or exact ranges into a caller's
 * buffer. */
typedef struct
{
  guint64 addr;
  gsize len;
  guint8 *out;                 /* NULL: a chunk for the cache */
  gboolean *ok;                /* exact reads: set when the stub had the bytes */
} Fetch;

typedef struct
{
  HsProbeGdb *self;
  GArray *fetches;             /* of Fetch */
} Batch;

static gboolean
take_fetch (guint        index,
            const char  *reply,
            gsize        len,
            gpointer     user_data,
            GError     **error)
{
  Batch *b = user_data;
  Fetch *f = &g_array_index (b->fetches, Fetch, index);
  g_autofree guint8 *data = NULL;
  GError *local_error = NULL;

  if (f->out != NULL)
    {
      gboolean ok = decode_read (f->addr, f->len, reply, len, f->out, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      *f->ok = ok;
      return TRUE;
    }
  data = g_malloc (MEM_CHUNK);
  if (decode_read (f->addr, MEM_CHUNK, reply, len, data, &local_error))
    cache_chunk (b->self, f->addr, g_steal_pointer (&data));
  /* A refused chunk has a hole: whoever needs it asks again for just its bytes. */
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Sends a batch of fetches, several on the wire at once. Call with io_lock held. */
static gboolean
run_batch (HsProbeGdb  *self,
           GArray      *fetches,
           GError     **error)
{
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_full (fetches->len, g_free);
  Batch b = { self, fetches };
  const guint window = 64;

  for (guint i = 0; i < fetches->len; i++)
    {
      Fetch *f = &g_array_index (fetches, Fetch, i);

      g_ptr_array_add (payloads, g_strdup_printf ("m%" G_GINT64_MODIFIER "x,%zx", f->addr,
                                                  f->len));
    }
  if (fetches->len == 0)
    return TRUE;
  return _hs_gdb_pipeline (self, (char * const *) payloads->pdata, payloads->len, window,
                           take_fetch, &b, error);
}

/* Adds a fetch for every chunk of [addr, addr + len) that is not cached yet (once each). */
static void
plan_chunks (HsProbeGdb *self,
             guint64     addr,
             gsize       len,
             GHashTable *planned,
             GArray     *fetches)
{
  guint64 first = addr & ~(guint64) (MEM_CHUNK - 1);
  guint64 last = (addr + len - 1) & ~(guint64) (MEM_CHUNK - 1);

  for (guint64 c = first;; c += MEM_CHUNK)
    {
      if (!g_hash_table_contains (self->mem_cache, &c) && !g_hash_table_contains (planned, &c))
        {
          Fetch f = { c, MEM_CHUNK, NULL, NULL };

          g_hash_table_add (planned, g_memdup2 (&c, sizeof c));
          g_array_append_val (fetches, f);
        }
      if (c == last)
        break;
    }
}

/* [phys, phys + len) from the cache, reading what is missing; with io_lock held. */
static gboolean
read_locked (HsProbeGdb  *self,
             guint64      phys,
             guint8      *buf,
             gsize        len,
             GError     **error)
{
  gsize done = 0;

  if (len <= MEM_LINE && (phys & (MEM_LINE - 1)) + len <= MEM_LINE)
    return read_small (self, phys, len, buf, error);
  /* More than one chunk missing: ask for them all at once. */
  if (len > MEM_CHUNK)
    {
      g_autoptr(GHashTable) planned = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                             g_free, NULL);
      g_autoptr(GArray) fetches = g_array_new (FALSE, FALSE, sizeof (Fetch));

      plan_chunks (self, phys, len, planned, fetches);
      if (fetches->len > 1 && !run_batch (self, fetches, error))
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
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

static gboolean
check_range (guint64   phys,
             gsize     len,
             GError  **error)
{
  if (len > 0 && phys + (len - 1) < phys)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the range A:0x%" G_GINT64_MODIFIER "x + 0x%zx wraps around", phys, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
hs_probe_gdb_read_memory (HsProbe  *probe,
                          guint64   phys,
                          guint8   *buf,
                          gsize     len,
                          GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gboolean ok;

  if (!check_range (phys, len, error))
    return FALSE;
  hs_mutex_lock (&self->io_lock);
  ok = _hs_gdb_check_halted (self, error) && check_phys (self, error)
       && (len == 0 || read_locked (self, phys, buf, len, error));
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

/* Pieces up to this size in a batch go to the stub as they are, not as whole chunks: a task's
 * fields cost their own bytes of hex instead of 4 KiB. */
#define SMALL_READ MEM_CHUNK

static gboolean
hs_probe_gdb_read_memory_v (HsProbe      *probe,
                            HsProbeRead  *reads,
                            guint         n_reads,
                            GError      **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autoptr(GHashTable) planned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);
  g_autoptr(GArray) fetches = g_array_new (FALSE, FALSE, sizeof (Fetch));
  g_autofree gboolean *pending = g_new0 (gboolean, MAX (n_reads, 1));

  for (guint i = 0; i < n_reads; i++)
    {
      reads[i].ok = FALSE;
      if (!check_range (reads[i].phys, reads[i].len, error))
        return FALSE;
    }

  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error) || !check_phys (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  for (guint i = 0; i < n_reads; i++)
    {
      HsProbeRead *r = &reads[i];
      guint64 first = r->phys & ~(guint64) (MEM_CHUNK - 1);
      gboolean cached = r->len > 0;

      /* Entirely in the cache: no request at all. */
      for (guint64 c = first; cached && c <= r->phys + r->len - 1; c += MEM_CHUNK)
        {
          cached = g_hash_table_contains (self->mem_cache, &c);
          if (c + MEM_CHUNK < c)
            break;
        }
      if (r->len == 0 || cached)
        pending[i] = TRUE;
      else if (r->len <= SMALL_READ)
        {
          Fetch f = { r->phys, r->len, r->buf, &r->ok };

          g_array_append_val (fetches, f);
        }
      else
        {
          plan_chunks (self, r->phys, r->len, planned, fetches);
          pending[i] = TRUE;
        }
    }
  if (!run_batch (self, fetches, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  /* The rest from the cache, asking again only for what a refused chunk left out. */
  for (guint i = 0; i < n_reads; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!pending[i])
        continue;
      if (reads[i].len == 0 || read_locked (self, reads[i].phys, reads[i].buf, reads[i].len,
                                            &local_error))
        reads[i].ok = TRUE;
      else if (!g_error_matches (local_error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          hs_mutex_unlock (&self->io_lock);
          return FALSE;
        }
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

/* After a write: what this halt cached may be stale; what it fetched stays the next halt's guess. */
static void
forget_halt_memory (HsProbeGdb *self)
{
  g_hash_table_remove_all (self->mem_cache);
  self->mem_cache_bytes = 0;
  g_hash_table_remove_all (self->line_cache);
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
          forget_halt_memory (self);
          hs_mutex_unlock (&self->io_lock);
          return FALSE;
        }
      done += n;
    }
  /* Simplest correct thing: the next read sees what the target now holds. */
  forget_halt_memory (self);
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

void
_hs_gdb_memory_iface_init (HsProbeInterface *iface)
{
  iface->read_memory = hs_probe_gdb_read_memory;
  iface->read_memory_v = hs_probe_gdb_read_memory_v;
  iface->write_memory = hs_probe_gdb_write_memory;
}
