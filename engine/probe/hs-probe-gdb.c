/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb.c: a probe that speaks the GDB remote serial protocol over TCP
 * (QEMU's gdbstub, OpenOCD, J-Link's GDB server).
 *
 * The stub is all-stop: every core halts and resumes together, and only a
 * 'vCont;s:thread' moves one core alone. One thread talks to the stub at a
 * time (io_lock), a request or a pipeline of them (the wire is in
 * hs-probe-gdb-wire.c); only the interrupt byte may be written while another
 * thread is blocked waiting for a stop reply, hence the separate write_lock.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

static void hs_probe_gdb_iface_init (HsProbeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsProbeGdb, hs_probe_gdb, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HS_TYPE_PROBE, hs_probe_gdb_iface_init))

/* ---- state checks ----------------------------------------------------------------------- */

gboolean
_hs_gdb_check_halted (HsProbeGdb  *self,
                      GError     **error)
{
  if (!g_atomic_int_get (&self->connected))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED,
                   "not connected to a gdbstub");
      return FALSE;
    }
  if (g_atomic_int_get (&self->running))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_RUNNING,
                   "the target is running; halt it first (Break)");
      return FALSE;
    }
  return TRUE;
}

gboolean
_hs_gdb_check_core (HsProbeGdb  *self,
                    guint        core,
                    GError     **error)
{
  if (self->threads == NULL || core >= self->threads->len)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_CORE,
                   "core %u does not exist; the target has %u cores (0-%u)", core,
                   self->threads ? self->threads->len : 0,
                   self->threads && self->threads->len ? self->threads->len - 1 : 0);
      return FALSE;
    }
  return TRUE;
}

char *
_hs_gdb_format_thread (HsProbeGdb *self,
                       guint       core)
{
  const ThreadId *t = &g_array_index (self->threads, ThreadId, core);

  if (self->multiprocess)
    return g_strdup_printf ("p%" G_GINT64_MODIFIER "x.%" G_GINT64_MODIFIER "x", t->pid, t->tid);
  return g_strdup_printf ("%" G_GINT64_MODIFIER "x", t->tid);
}

gint
_hs_gdb_core_for_thread (HsProbeGdb *self,
                         gint64      pid,
                         gint64      tid)
{
  for (guint i = 0; i < self->threads->len; i++)
    {
      const ThreadId *t = &g_array_index (self->threads, ThreadId, i);

      if (t->tid == tid && (pid == 0 || t->pid == pid))
        return (gint) i;
    }
  return -1;
}

void
_hs_gdb_invalidate_caches (HsProbeGdb *self)
{
  _hs_gdb_memory_forget (self, TRUE);
  if (self->reg_cache && self->threads && self->registers)
    for (guint c = 0; c < self->threads->len; c++)
      {
        RegCache *rc = &self->reg_cache[c];

        memset (rc->fetched, 0, sizeof (gboolean) * self->registers->len);
        rc->g_done = FALSE;
      }
  /* QEMU forgets nothing, but other stubs reset the selection on resume. */
  self->hg_core = -1;
}

gboolean
_hs_gdb_select_core (HsProbeGdb  *self,
                     guint        core,
                     GError     **error)
{
  g_autofree char *thread = NULL;
  g_autofree char *pkt = NULL;

  if (self->hg_core == (gint) core)
    return TRUE;
  thread = _hs_gdb_format_thread (self, core);
  pkt = g_strdup_printf ("Hg%s", thread);
  if (!_hs_gdb_request_ok (self, pkt, "select core", error))
    return FALSE;
  self->hg_core = core;
  return TRUE;
}

/* ---- connect ---------------------------------------------------------------------------- */

/* An href goes into "qXfer:features:read:ANNEX:offset,length" as it is, and the stub splits
 * that at ':' and ',': an href holding them would ask for something else. Real stubs include
 * plain file names, so anything else is refused rather than escaped. */
static gboolean
annex_is_plain (const char *annex)
{
  gsize len = strlen (annex);

  if (len == 0 || len > 255)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (annex[i]) && strchr ("._-+/", annex[i]) == NULL)
      return FALSE;
  return TRUE;
}

static char *
fetch_annex (const char  *annex,
             gpointer     user_data,
             GError     **error)
{
  HsProbeGdb *self = user_data;
  g_autoptr(GString) text = g_string_new (NULL);

  if (!annex_is_plain (annex))
    {
      g_autofree char *shown = g_strescape (annex, NULL);

      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "the target description includes \"%.80s\", which is not a plain file name "
                   "(letters, digits and ._-+/)", shown);
      return NULL;
    }
  for (;;)
    {
      g_autofree char *pkt = g_strdup_printf ("qXfer:features:read:%s:%zx,%x", annex,
                                              text->len, XFER_CHUNK);
      g_autofree char *reply = NULL;
      gsize len;

      reply = _hs_gdb_request_len (self, pkt, &len, error);
      if (reply == NULL)
        return NULL;
      if (reply[0] != 'm' && reply[0] != 'l')
        {
          if (!_hs_gdb_check_error_reply (self, annex, reply, error))
            return NULL;
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "bad reply to qXfer for %s: '%.20s'", annex, reply);
          return NULL;
        }
      if (len - 1 > XFER_CHUNK)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "the gdbstub sent %zu bytes of %s at offset %zu for %u asked",
                       len - 1, annex, text->len, XFER_CHUNK);
          return NULL;
        }
      g_string_append_len (text, reply + 1, len - 1);
      /* hs_tdesc_parse() bounds all the documents together; this stops one early. */
      if (text->len > HS_TDESC_MAX_BYTES)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "target description %s is larger than %u bytes", annex,
                       HS_TDESC_MAX_BYTES);
          return NULL;
        }
      if (reply[0] == 'l')
        break;
      if (len <= 1)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "the gdbstub sent an empty 'm' chunk for %s", annex);
          return NULL;
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
load_threads (HsProbeGdb  *self,
              GError     **error)
{
  g_autoptr(GArray) threads = g_array_new (FALSE, TRUE, sizeof (ThreadId));
  const char *pkt = "qfThreadInfo";

  for (guint round = 0; round < MAX_THREADS; round++)
    {
      g_autofree char *reply = _hs_gdb_request (self, pkt, error);
      g_auto(GStrv) ids = NULL;

      if (reply == NULL)
        return FALSE;
      if (reply[0] == 'l')
        break;
      if (reply[0] != 'm')
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "bad thread list from the gdbstub: '%.40s'", reply);
          return FALSE;
        }
      ids = g_strsplit (reply + 1, ",", -1);
      for (guint i = 0; ids[i]; i++)
        {
          ThreadId t;

          if (!hs_rsp_parse_thread_id (ids[i], strlen (ids[i]), &t.pid, &t.tid))
            {
              g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                           "bad thread id '%s' from the gdbstub", ids[i]);
              return FALSE;
            }
          if (threads->len >= MAX_THREADS)
            {
              g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                           "the gdbstub lists more than %u cores, the most Hyperscope takes",
                           MAX_THREADS);
              return FALSE;
            }
          g_array_append_val (threads, t);
        }
      pkt = "qsThreadInfo";
    }
  if (threads->len == 0)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "the gdbstub lists no cores");
      return FALSE;
    }
  self->threads = g_steal_pointer (&threads);
  return TRUE;
}

static gint
compare_by_regnum (gconstpointer a,
                   gconstpointer b)
{
  const HsRegisterInfo *ra = *(HsRegisterInfo * const *) a;
  const HsRegisterInfo *rb = *(HsRegisterInfo * const *) b;

  return ra->regnum < rb->regnum ? -1 : ra->regnum > rb->regnum;
}

static gboolean
load_registers (HsProbeGdb  *self,
                GError     **error)
{
  g_autofree char *xml = NULL;
  g_autofree char *g_reply = NULL;
  g_autoptr(GPtrArray) by_num = NULL;
  gsize g_len;
  gsize offset = 0;

  xml = fetch_annex ("target.xml", self, error);
  if (xml == NULL)
    return FALSE;
  self->tdesc = hs_tdesc_parse (xml, fetch_annex, self, error);
  if (self->tdesc == NULL)
    return FALSE;
  /* Each bound alone still allows their product: it is what the caches and snapshots cost. */
  if ((guint64) self->threads->len * self->tdesc->regs->len > MAX_REGISTER_VALUES)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "the gdbstub describes %u cores of %u registers; Hyperscope takes at most "
                   "%u register values (cores x registers)", self->threads->len,
                   self->tdesc->regs->len, MAX_REGISTER_VALUES);
      return FALSE;
    }

  self->registers = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_register_info_free);
  for (guint i = 0; i < self->tdesc->regs->len; i++)
    {
      const HsTdescReg *tr = &g_array_index (self->tdesc->regs, HsTdescReg, i);
      HsRegisterInfo *info = g_new0 (HsRegisterInfo, 1);

      info->name = g_strdup (tr->name);
      info->index = i;
      info->regnum = tr->regnum;
      info->bitsize = tr->bitsize;
      if (tr->feature && g_str_has_suffix (tr->feature, ".core"))
        info->klass = HS_REGISTER_CLASS_CORE;
      else if (tr->feature && g_str_has_suffix (tr->feature, ".fpu"))
        info->klass = HS_REGISTER_CLASS_FPU;
      else
        info->klass = HS_REGISTER_CLASS_SYSTEM;
      g_ptr_array_add (self->registers, info);
    }

  /* 'g' carries registers 0, 1, 2... in number order for as many bytes as it has. */
  if (!_hs_gdb_select_core (self, 0, error))
    return FALSE;
  g_reply = _hs_gdb_request_len (self, "g", &g_len, error);
  if (g_reply == NULL || !_hs_gdb_check_error_reply (self, "read registers", g_reply, error))
    return FALSE;
  self->g_size = g_len / 2;
  self->g_offsets = g_array_new (FALSE, FALSE, sizeof (gssize));
  g_array_set_size (self->g_offsets, self->registers->len);
  for (guint i = 0; i < self->registers->len; i++)
    g_array_index (self->g_offsets, gssize, i) = -1;
  by_num = g_ptr_array_copy (self->registers, NULL, NULL);
  /* The copy inherits the free function; it only borrows the infos. */
  g_ptr_array_set_free_func (by_num, NULL);
  g_ptr_array_sort (by_num, compare_by_regnum);
  for (guint i = 0; i < by_num->len; i++)
    {
      HsRegisterInfo *info = g_ptr_array_index (by_num, i);
      gsize size = info->bitsize / 8;

      if (info->regnum != i || offset + size > self->g_size)
        break;
      g_array_index (self->g_offsets, gssize, info->index) = offset;
      offset += size;
    }

  self->reg_cache = g_new0 (RegCache, self->threads->len);
  for (guint c = 0; c < self->threads->len; c++)
    {
      self->reg_cache[c].values = g_new0 (guint64, self->registers->len);
      self->reg_cache[c].valid = g_new0 (gboolean, self->registers->len);
      self->reg_cache[c].fetched = g_new0 (gboolean, self->registers->len);
    }
  return TRUE;
}

static void
clear_target_state (HsProbeGdb *self)
{
  if (self->reg_cache && self->threads)
    {
      for (guint c = 0; c < self->threads->len; c++)
        {
          g_free (self->reg_cache[c].values);
          g_free (self->reg_cache[c].valid);
          g_free (self->reg_cache[c].fetched);
        }
    }
  g_clear_pointer (&self->reg_cache, g_free);
  g_clear_pointer (&self->threads, g_array_unref);
  g_clear_pointer (&self->registers, g_ptr_array_unref);
  g_clear_pointer (&self->g_offsets, g_array_unref);
  g_clear_pointer (&self->tdesc, hs_tdesc_free);
  _hs_gdb_memory_forget (self, FALSE);
  if (self->breakpoints)
    g_hash_table_remove_all (self->breakpoints);
  hs_rsp_decoder_reset (&self->decoder);
  self->rx_len = self->rx_pos = 0;
  self->hg_core = -1;
  self->saw_async_stop = FALSE;
  self->multiprocess = FALSE;
  self->phys_mode = FALSE;
  self->is_qemu = FALSE;
}

void
_hs_gdb_close (HsProbeGdb *self)
{
  hs_mutex_lock (&self->write_lock);
  if (self->connection)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  self->socket = NULL;
  hs_mutex_unlock (&self->write_lock);
  _hs_gdb_mark_lost (self);
}

static gboolean
handshake (HsProbeGdb    *self,
           gboolean      *was_running,
           GError       **error)
{
  g_autofree char *supported = NULL;
  g_autofree char *qemu = NULL;
  g_autofree char *why = NULL;
  HsGdbDeadline deadline;

  supported = _hs_gdb_request (self, "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=aarch64",
                       error);
  if (supported == NULL)
    return FALSE;
  self->multiprocess = strstr (supported, "multiprocess+") != NULL;
  if (strstr (supported, "qXfer:features:read+") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the gdbstub at %s:%u offers no target description (qXfer:features:read)",
                   self->host, self->port);
      return FALSE;
    }

  /* The halt reason; it also flushes the stop QEMU sends for a VM that was running. */
  /* '?' is answered with a stop reply, so it cannot go through request(). */
  deadline = _hs_gdb_deadline (self, self->reply_timeout_ms);
  if (!_hs_gdb_send_packet (self, "?", deadline, error))
    return FALSE;
  why = _hs_gdb_read_reply (self, TRUE, deadline, NULL, error);
  if (why == NULL)
    return FALSE;
  *was_running = self->saw_async_stop;

  if (!load_threads (self, error) || !load_registers (self, error))
    return FALSE;

  /* Physical addressing is a QEMU extension; without it we say so when asked. */
  qemu = _hs_gdb_request (self, "qqemu.Supported", error);
  if (qemu == NULL)
    return FALSE;
  /* Other stubs answer an unknown query with an empty packet. */
  self->is_qemu = qemu[0] != 0 && !g_str_has_prefix (qemu, "E");
  if (strstr (qemu, "PhyMemMode") != NULL)
    {
      if (!_hs_gdb_request_ok (self, "Qqemu.PhyMemMode:1", "switch to physical memory access", error))
        return FALSE;
      self->phys_mode = TRUE;
    }
  return TRUE;
}

static gboolean
hs_probe_gdb_connect (HsProbe       *probe,
                      gboolean      *was_running,
                      GCancellable  *cancellable,
                      GError       **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (g_atomic_int_get (&self->connected))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "already connected to %s:%u",
                   self->host, self->port);
      return FALSE;
    }
  /* What a lost connection left, if the thread that lost it could not close it. */
  _hs_gdb_close (self);
  clear_target_state (self);

  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  /* A debug stub is a local or lab peer, never something to reach through a proxy. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, self->host, self->port, cancellable,
                                                &local_error);
  if (connection == NULL)
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, G_IO_ERROR,
                   local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED,
                   "cannot connect to the gdbstub at %s:%u: %s", self->host, self->port,
                   local_error->message);
      return FALSE;
    }

  self->connection = g_steal_pointer (&connection);
  self->socket = g_socket_connection_get_socket (self->connection);
  g_socket_set_blocking (self->socket, FALSE);
  g_socket_set_timeout (self->socket, 0);
  /* Every exchange is a small packet waiting for a small answer. */
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_atomic_int_set (&self->connected, TRUE);
  g_atomic_int_set (&self->running, FALSE);

  /* Every wait of the handshake ends when @cancellable does, and all of it within its time. */
  self->cancellable = cancellable;
  self->call_deadline = g_get_monotonic_time () + (gint64) self->handshake_timeout_ms * 1000;
  self->attaching = TRUE;
  ok = handshake (self, was_running, &local_error);
  self->attaching = FALSE;
  self->cancellable = NULL;
  self->call_deadline = G_MAXINT64;
  if (!ok)
    {
      _hs_gdb_close (self);
      clear_target_state (self);
      hs_mutex_unlock (&self->io_lock);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "attaching to %s:%u failed: ", self->host, self->port);
      return FALSE;
    }
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

static void
hs_probe_gdb_disconnect (HsProbe *probe)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);

  /* A waiter in wait_stop() holds io_lock and reads the socket: shutting the socket down
   * wakes it with an end of stream, and the connection is closed by whoever holds io_lock next
   * (a connect, or finalize). Closing it here would free the socket under the waiter's read. */
  if (!hs_mutex_trylock (&self->io_lock))
    {
      hs_mutex_lock (&self->write_lock);
      if (self->socket != NULL)
        shutdown (g_socket_get_fd (self->socket), SHUT_RDWR);
      hs_mutex_unlock (&self->write_lock);
      _hs_gdb_mark_lost (self);
      return;
    }
  _hs_gdb_close (self);
  hs_mutex_unlock (&self->io_lock);
}

/* 'D' for every process we attached to: QEMU (multiprocess+) refuses a bare 'D' with E22. */
static gboolean
send_detach (HsProbeGdb  *self,
             char       **refusal,
             GError     **error)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (self->multiprocess && self->threads != NULL)
    for (guint i = 0; i < self->threads->len; i++)
      {
        gint64 pid = g_array_index (self->threads, ThreadId, i).pid;
        gboolean seen = FALSE;

        for (guint k = 0; k < pids->len && !seen; k++)
          seen = g_array_index (pids, gint64, k) == pid;
        if (!seen)
          g_array_append_val (pids, pid);
      }
  if (pids->len == 0)
    {
      gint64 none = -1;

      g_array_append_val (pids, none);
    }
  for (guint k = 0; k < pids->len; k++)
    {
      gint64 pid = g_array_index (pids, gint64, k);
      g_autofree char *pkt = pid < 0 ? g_strdup ("D")
                                     : g_strdup_printf ("D;%" G_GINT64_MODIFIER "x", pid);
      g_autofree char *reply = _hs_gdb_request (self, pkt, error);

      if (reply == NULL)
        return FALSE;
      if (strcmp (reply, "OK") != 0)
        {
          *refusal = g_strdup_printf ("'%s' was answered '%.40s'", pkt, reply);
          return TRUE;
        }
    }
  return TRUE;
}

/*
 * Leaves the target running with nothing of ours in it, as gdb's detach does: our
 * breakpoints come out, then 'D'; a stub that refuses 'D' gets an explicit resume. The
 * connection is closed in every case, by this thread, which holds io_lock.
 */
static gboolean
hs_probe_gdb_detach (HsProbe          *probe,
                     HsDetachOutcome  *outcome,
                     char            **note,
                     GError          **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autofree char *refusal = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok;

  *outcome = HS_DETACH_RELEASED;
  *note = NULL;
  hs_mutex_lock (&self->io_lock);
  if (!_hs_gdb_check_halted (self, error))
    {
      _hs_gdb_close (self);
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }

  g_hash_table_iter_init (&iter, self->breakpoints);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 addr = *(guint64 *) key;
      g_autofree char *pkt = g_strdup_printf ("z%d,%" G_GINT64_MODIFIER "x,4",
                                              GPOINTER_TO_INT (value) - 1, addr);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *reply = _hs_gdb_request (self, pkt, &local_error);

      if (reply == NULL && !g_atomic_int_get (&self->connected))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          _hs_gdb_close (self);
          hs_mutex_unlock (&self->io_lock);
          return FALSE;
        }
      if (reply == NULL || strcmp (reply, "OK") != 0)
        g_warning ("detach: the breakpoint at 0x%" G_GINT64_MODIFIER "x could not be removed: %s",
                   addr, reply ? reply : local_error->message);
    }
  g_hash_table_remove_all (self->breakpoints);

  ok = send_detach (self, &refusal, error);
  if (ok && refusal != NULL)
    {
      /* The target must not stay stopped because the stub wants another dialect. */
      _hs_gdb_invalidate_caches (self);
      ok = _hs_gdb_send_packet (self, "vCont;c", _hs_gdb_deadline (self, self->reply_timeout_ms),
                                error);
      if (ok)
        {
          *outcome = HS_DETACH_RESUMED;
          *note = g_strdup_printf ("the gdbstub refused to detach (%s), so Hyperscope resumed "
                                   "the target itself", refusal);
        }
    }
  _hs_gdb_close (self);
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_is_connected (HsProbe *probe)
{
  return g_atomic_int_get (&HS_PROBE_GDB (probe)->connected);
}

static char *
hs_probe_gdb_describe (HsProbe *probe)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);

  return g_strdup_printf ("gdbstub %s:%u", self->host, self->port);
}

static guint
hs_probe_gdb_get_n_cores (HsProbe *probe)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);

  return self->threads ? self->threads->len : 0;
}

static GPtrArray *
hs_probe_gdb_get_registers (HsProbe *probe)
{
  return HS_PROBE_GDB (probe)->registers;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_probe_gdb_finalize (GObject *object)
{
  HsProbeGdb *self = HS_PROBE_GDB (object);

  _hs_gdb_close (self);
  clear_target_state (self);
  hs_rsp_decoder_clear (&self->decoder);
  _hs_gdb_memory_clear (self);
  g_clear_pointer (&self->breakpoints, g_hash_table_unref);
  hs_mutex_clear (&self->io_lock);
  hs_mutex_clear (&self->write_lock);
  g_free (self->host);

  G_OBJECT_CLASS (hs_probe_gdb_parent_class)->finalize (object);
}

static void
hs_probe_gdb_class_init (HsProbeGdbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_probe_gdb_finalize;
}

static void
hs_probe_gdb_init (HsProbeGdb *self)
{
  hs_mutex_init (&self->io_lock);
  hs_mutex_init (&self->write_lock);
  hs_rsp_decoder_init (&self->decoder, MAX_PAYLOAD);
  _hs_gdb_memory_init (self);
  self->breakpoints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->hg_core = -1;
  self->call_deadline = G_MAXINT64;
  self->reply_timeout_ms = REPLY_TIMEOUT_MS;
  self->handshake_timeout_ms = HANDSHAKE_TIMEOUT_MS;
}

void
_hs_gdb_set_timeouts (HsProbeGdb *self,
                      guint       reply_ms,
                      guint       handshake_ms)
{
  g_return_if_fail (HS_IS_PROBE_GDB (self));

  hs_mutex_lock (&self->io_lock);
  self->reply_timeout_ms = reply_ms ? reply_ms : REPLY_TIMEOUT_MS;
  self->handshake_timeout_ms = handshake_ms ? handshake_ms : HANDSHAKE_TIMEOUT_MS;
  hs_mutex_unlock (&self->io_lock);
}

/* QEMU resumes only the core a vCont;s names: the others stay as they were. */
static gboolean
hs_probe_gdb_steps_alone (HsProbe *probe)
{
  return HS_PROBE_GDB (probe)->is_qemu;
}

static void
hs_probe_gdb_iface_init (HsProbeInterface *iface)
{
  iface->steps_alone = hs_probe_gdb_steps_alone;
  iface->connect = hs_probe_gdb_connect;
  iface->disconnect = hs_probe_gdb_disconnect;
  iface->detach = hs_probe_gdb_detach;
  iface->is_connected = hs_probe_gdb_is_connected;
  iface->describe = hs_probe_gdb_describe;
  iface->get_n_cores = hs_probe_gdb_get_n_cores;
  iface->get_registers = hs_probe_gdb_get_registers;
  _hs_gdb_registers_iface_init (iface);
  _hs_gdb_memory_iface_init (iface);
  _hs_gdb_run_iface_init (iface);
}

HsProbeGdb *
hs_probe_gdb_new (const char *host,
                  guint16     port)
{
  HsProbeGdb *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (HS_TYPE_PROBE_GDB, NULL);
  self->host = g_strdup (host);
  self->port = port;
  return self;
}

/* "HOST:PORT", "[v6addr]:PORT" or ":PORT" (localhost). */
gboolean
hs_probe_gdb_parse_location (const char  *location,
                             char       **host,
                             guint16     *port,
                             GError     **error)
{
  const char *colon;
  guint64 p;
  char *end;

  g_return_val_if_fail (location != NULL, FALSE);

  colon = strrchr (location, ':');
  if (colon == NULL || colon[1] == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not HOST:PORT (e.g. 127.0.0.1:1234)", location);
      return FALSE;
    }
  p = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != 0 || p == 0 || p > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' in '%s' is not a TCP port (1-65535)", colon + 1, location);
      return FALSE;
    }
  if (colon == location)
    *host = g_strdup ("127.0.0.1");
  else if (location[0] == '[' && colon[-1] == ']')
    *host = g_strndup (location + 1, colon - location - 2);
  else
    *host = g_strndup (location, colon - location);
  *port = (guint16) p;
  return TRUE;
}

const char *
hs_probe_gdb_get_host (HsProbeGdb *self)
{
  g_return_val_if_fail (HS_IS_PROBE_GDB (self), NULL);
  return self->host;
}

guint16
hs_probe_gdb_get_port (HsProbeGdb *self)
{
  g_return_val_if_fail (HS_IS_PROBE_GDB (self), 0);
  return self->port;
}

guint64
hs_probe_gdb_get_n_packets (HsProbeGdb *self)
{
  g_return_val_if_fail (HS_IS_PROBE_GDB (self), 0);
  return self->n_packets;
}

/* How often the probe waited for the stub: once per request sent alone, once per batch of a
 * pipeline. Like hs_probe_gdb_get_n_packets(), for benchmarks; read it while no request runs. */
guint64
hs_probe_gdb_get_n_round_trips (HsProbeGdb *self)
{
  g_return_val_if_fail (HS_IS_PROBE_GDB (self), 0);
  return self->n_round_trips;
}
