/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb.c: a probe that speaks the GDB remote serial protocol over TCP
 * (QEMU's gdbstub, OpenOCD, J-Link's GDB server).
 *
 * The stub is all-stop: every core halts and resumes together, and only a
 * 'vCont;s:thread' moves one core alone. Requests are strictly one at a time
 * (io_lock); only the interrupt byte may be written while another thread is
 * blocked waiting for a stop reply, hence the separate write_lock.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb.h"
#include "hs-sync.h"
#include "hs-rsp.h"
#include "hs-tdesc.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#define REPLY_TIMEOUT_MS   5000
#define CONNECT_TIMEOUT_S  5
#define MAX_RETRANSMITS    3
#define MAX_PAYLOAD        (1 << 20)
#define MAX_TDESC_SIZE     (4 << 20)
#define MAX_THREADS        1024
/* QEMU refuses 'm' reads over 0x800 bytes (E22). */
#define MEM_CHUNK          0x800u
/* Keeps an 'M' packet's hex under the stub's PacketSize. */
#define MEM_WRITE_CHUNK    0x400u
/* A halt's memory cache is dropped once it holds this much. */
#define MEM_CACHE_LIMIT    (64u << 20)

typedef struct
{
  gint64 pid;
  gint64 tid;
} ThreadId;

typedef struct
{
  guint64 *values;
  gboolean *valid;
  gboolean *fetched;
  gboolean g_done;
} RegCache;

struct _HsProbeGdb
{
  GObject parent_instance;

  char *host;
  guint16 port;

  /* Owned while connected */
  GSocketConnection *connection;
  GSocket *socket;
  HsRspDecoder decoder;
  guint8 rx[16384];
  gsize rx_len;
  gsize rx_pos;
  HsTdesc *tdesc;
  GPtrArray *registers;         /* of HsRegisterInfo, index order */
  GArray *g_offsets;            /* per register index: byte offset in 'g', or -1 */
  gsize g_size;
  GArray *threads;              /* of ThreadId, core order */
  RegCache *reg_cache;          /* one per core */
  GHashTable *mem_cache;        /* chunk address -> guint8[MEM_CHUNK] */
  gsize mem_cache_bytes;
  GHashTable *breakpoints;      /* address -> type + 1 */

  HsMutex io_lock;
  HsMutex write_lock;
  gint connected;               /* atomic */
  gint running;                 /* atomic */
  gint interrupt_sent;          /* atomic */
  gboolean multiprocess;
  gboolean phys_mode;
  gboolean saw_async_stop;
  gboolean step_pending;
  gint hg_core;                 /* the core 'Hg' last selected, -1 if unknown */
  guint64 n_packets;
};

static void hs_probe_gdb_iface_init (HsProbeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsProbeGdb, hs_probe_gdb, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HS_TYPE_PROBE, hs_probe_gdb_iface_init))

/* ---- wire ------------------------------------------------------------------------------- */

static void
mark_lost (HsProbeGdb *self)
{
  g_atomic_int_set (&self->connected, FALSE);
  g_atomic_int_set (&self->running, FALSE);
}

static gboolean
lost_error (HsProbeGdb  *self,
            GError     **error,
            const char  *why)
{
  mark_lost (self);
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
               "lost the connection to the gdbstub at %s:%u: %s", self->host, self->port, why);
  return FALSE;
}

/* HYPERSCOPE_RSP_TRACE=1 shows every packet on stderr: the first thing to look at with a new stub. */
static gboolean
trace_enabled (void)
{
  static gsize once;
  static gboolean enabled;

  if (g_once_init_enter (&once))
    {
      enabled = g_strcmp0 (g_getenv ("HYPERSCOPE_RSP_TRACE"), "1") == 0;
      g_once_init_leave (&once, 1);
    }
  return enabled;
}

static gboolean
send_raw (HsProbeGdb    *self,
          const guint8  *data,
          gsize          len,
          GError       **error)
{
  gsize done = 0;

  hs_mutex_lock (&self->write_lock);
  while (done < len)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      if (self->socket == NULL)
        {
          hs_mutex_unlock (&self->write_lock);
          return lost_error (self, error, "not connected");
        }
      n = g_socket_send (self->socket, (const char *) data + done, len - done, NULL,
                         &local_error);
      if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&local_error);
          if (g_socket_condition_timed_wait (self->socket, G_IO_OUT,
                                             (gint64) REPLY_TIMEOUT_MS * 1000, NULL,
                                             &local_error))
            continue;
        }
      if (n <= 0)
        {
          hs_mutex_unlock (&self->write_lock);
          return lost_error (self, error, local_error ? local_error->message : "send failed");
        }
      done += n;
    }
  hs_mutex_unlock (&self->write_lock);
  return TRUE;
}

/* Reads until the decoder produces one event. Call with io_lock held. */
static gboolean
read_event (HsProbeGdb    *self,
            guint          timeout_ms,
            GCancellable  *cancellable,
            HsRspEvent    *event,
            GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 left;
      gssize n;

      if (self->rx_pos < self->rx_len)
        {
          self->rx_pos += hs_rsp_decoder_feed (&self->decoder, self->rx + self->rx_pos,
                                               self->rx_len - self->rx_pos, event);
          if (event->kind != HS_RSP_EVENT_NONE)
            return TRUE;
          continue;
        }

      left = timeout_ms == G_MAXUINT ? -1 : deadline - g_get_monotonic_time ();
      if (timeout_ms != G_MAXUINT && left <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "the gdbstub at %s:%u did not answer within %u ms",
                       self->host, self->port, timeout_ms);
          return FALSE;
        }
      if (!g_socket_condition_timed_wait (self->socket, G_IO_IN, left, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            continue;  /* re-checked against the deadline above */
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      n = g_socket_receive (self->socket, (char *) self->rx, sizeof self->rx, NULL, &local_error);
      if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (n <= 0)
        return lost_error (self, error, n == 0 ? "the stub closed the connection"
                                               : local_error->message);
      self->rx_len = n;
      self->rx_pos = 0;
    }
}

static gboolean
send_ack (HsProbeGdb  *self,
          gboolean     good,
          GError     **error)
{
  return send_raw (self, (const guint8 *) (good ? "+" : "-"), 1, error);
}

/*
 * A stop reply that nobody asked for: QEMU sends one when a debugger connects
 * to a running VM, before it answers the first packet.
 */
static void
note_async_stop (HsProbeGdb *self,
                 const char *payload)
{
  if (trace_enabled ())
    g_printerr ("rsp <- (unsolicited) %.200s\n", payload);
  self->saw_async_stop = TRUE;
}

/* Sends one packet and waits for its '+'. Call with io_lock held. */
static gboolean
send_packet (HsProbeGdb  *self,
             const char  *payload,
             GError     **error)
{
  g_autoptr(GBytes) frame = hs_rsp_frame (payload, strlen (payload));
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  self->n_packets++;
  if (trace_enabled ())
    g_printerr ("rsp -> %.200s\n", payload);
  for (guint attempt = 0; attempt <= MAX_RETRANSMITS; attempt++)
    {
      if (!send_raw (self, data, len, error))
        return FALSE;
      for (;;)
        {
          HsRspEvent ev;

          if (!read_event (self, REPLY_TIMEOUT_MS, NULL, &ev, error))
            return FALSE;
          if (ev.kind == HS_RSP_EVENT_ACK)
            return TRUE;
          if (ev.kind == HS_RSP_EVENT_NAK)
            break;
          if (ev.kind == HS_RSP_EVENT_PACKET && hs_rsp_is_stop_reply (ev.payload))
            {
              note_async_stop (self, ev.payload);
              if (!send_ack (self, TRUE, error))
                return FALSE;
            }
          else if (ev.kind == HS_RSP_EVENT_PACKET)
            {
              /* Not ours to answer, but the stub waits for its ack all the same. */
              g_debug ("dropping '%.40s' while waiting for an ack", ev.payload);
              if (!send_ack (self, TRUE, error))
                return FALSE;
            }
          else if (ev.kind == HS_RSP_EVENT_BAD_CHECKSUM && !send_ack (self, FALSE, error))
            return FALSE;
        }
    }
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
               "the gdbstub rejected packet '%.32s' %d times", payload, MAX_RETRANSMITS + 1);
  return FALSE;
}

/* Reads the next reply packet, acking it; stop replies are skipped unless @want_stop. */
static char *
read_reply (HsProbeGdb    *self,
            gboolean       want_stop,
            guint          timeout_ms,
            GCancellable  *cancellable,
            gsize         *out_len,
            GError       **error)
{
  for (;;)
    {
      HsRspEvent ev;

      if (!read_event (self, timeout_ms, cancellable, &ev, error))
        return NULL;
      switch (ev.kind)
        {
        case HS_RSP_EVENT_PACKET:
          if (!send_ack (self, TRUE, error))
            return NULL;
          if (!want_stop && hs_rsp_is_stop_reply (ev.payload))
            {
              note_async_stop (self, ev.payload);
              continue;
            }
          if (want_stop && !hs_rsp_is_stop_reply (ev.payload))
            {
              /* Console output ('O...') and friends while running. */
              g_debug ("ignoring '%.40s' while waiting for a stop", ev.payload);
              continue;
            }
          if (trace_enabled ())
            g_printerr ("rsp <- %.200s\n", ev.payload);
          if (out_len)
            *out_len = ev.payload_len;
          return g_memdup2 (ev.payload, ev.payload_len + 1);

        case HS_RSP_EVENT_BAD_CHECKSUM:
          if (!send_ack (self, FALSE, error))
            return NULL;
          continue;

        case HS_RSP_EVENT_OVERFLOW:
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "the gdbstub sent a packet over %u bytes", MAX_PAYLOAD);
          return NULL;

        case HS_RSP_EVENT_NOTIFICATION:
        case HS_RSP_EVENT_ACK:
        case HS_RSP_EVENT_NAK:
        case HS_RSP_EVENT_NONE:
        default:
          continue;
        }
    }
}

static char *
request_len (HsProbeGdb  *self,
             const char  *payload,
             gsize       *out_len,
             GError     **error)
{
  if (!send_packet (self, payload, error))
    return NULL;
  return read_reply (self, FALSE, REPLY_TIMEOUT_MS, NULL, out_len, error);
}

static char *
request (HsProbeGdb  *self,
         const char  *payload,
         GError     **error)
{
  return request_len (self, payload, NULL, error);
}

static gboolean
check_error_reply (HsProbeGdb  *self,
                   const char  *what,
                   const char  *reply,
                   GError     **error)
{
  if (reply[0] == 'E' && g_ascii_isxdigit (reply[1]) && g_ascii_isxdigit (reply[2])
      && reply[3] == 0)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB,
                   "%s: the gdbstub answered error %s", what, reply);
      return FALSE;
    }
  if (reply[0] == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: the gdbstub does not support this request", what);
      return FALSE;
    }
  return TRUE;
}

/* Requests that must answer "OK". */
static gboolean
request_ok (HsProbeGdb  *self,
            const char  *payload,
            const char  *what,
            GError     **error)
{
  g_autofree char *reply = request (self, payload, error);

  if (reply == NULL || !check_error_reply (self, what, reply, error))
    return FALSE;
  if (strcmp (reply, "OK") != 0)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "%s: expected OK from the gdbstub, got '%.40s'", what, reply);
      return FALSE;
    }
  return TRUE;
}

/* ---- state checks ----------------------------------------------------------------------- */

static gboolean
check_halted (HsProbeGdb  *self,
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

static gboolean
check_core (HsProbeGdb  *self,
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

static char *
format_thread (HsProbeGdb *self,
               guint       core)
{
  const ThreadId *t = &g_array_index (self->threads, ThreadId, core);

  if (self->multiprocess)
    return g_strdup_printf ("p%" G_GINT64_MODIFIER "x.%" G_GINT64_MODIFIER "x", t->pid, t->tid);
  return g_strdup_printf ("%" G_GINT64_MODIFIER "x", t->tid);
}

static gint
core_for_thread (HsProbeGdb *self,
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

static void
invalidate_caches (HsProbeGdb *self)
{
  if (self->mem_cache)
    g_hash_table_remove_all (self->mem_cache);
  self->mem_cache_bytes = 0;
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

static gboolean
select_core (HsProbeGdb  *self,
             guint        core,
             GError     **error)
{
  g_autofree char *thread = NULL;
  g_autofree char *pkt = NULL;

  if (self->hg_core == (gint) core)
    return TRUE;
  thread = format_thread (self, core);
  pkt = g_strdup_printf ("Hg%s", thread);
  if (!request_ok (self, pkt, "select core", error))
    return FALSE;
  self->hg_core = core;
  return TRUE;
}

/* ---- connect ---------------------------------------------------------------------------- */

static char *
fetch_annex (const char  *annex,
             gpointer     user_data,
             GError     **error)
{
  HsProbeGdb *self = user_data;
  g_autoptr(GString) text = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *pkt = g_strdup_printf ("qXfer:features:read:%s:%zx,%x", annex,
                                              text->len, 0xffb);
      g_autofree char *reply = NULL;
      gsize len;

      reply = request_len (self, pkt, &len, error);
      if (reply == NULL)
        return NULL;
      if (reply[0] != 'm' && reply[0] != 'l')
        {
          if (!check_error_reply (self, annex, reply, error))
            return NULL;
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "bad reply to qXfer for %s: '%.20s'", annex, reply);
          return NULL;
        }
      g_string_append_len (text, reply + 1, len - 1);
      if (text->len > MAX_TDESC_SIZE)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "target description %s is larger than %u bytes", annex, MAX_TDESC_SIZE);
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
      g_autofree char *reply = request (self, pkt, error);
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
                           "the gdbstub lists more than %u cores", MAX_THREADS);
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
  if (!select_core (self, 0, error))
    return FALSE;
  g_reply = request_len (self, "g", &g_len, error);
  if (g_reply == NULL || !check_error_reply (self, "read registers", g_reply, error))
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
  if (self->mem_cache)
    g_hash_table_remove_all (self->mem_cache);
  self->mem_cache_bytes = 0;
  if (self->breakpoints)
    g_hash_table_remove_all (self->breakpoints);
  hs_rsp_decoder_reset (&self->decoder);
  self->rx_len = self->rx_pos = 0;
  self->hg_core = -1;
  self->saw_async_stop = FALSE;
  self->multiprocess = FALSE;
  self->phys_mode = FALSE;
}

static void
close_socket (HsProbeGdb *self)
{
  hs_mutex_lock (&self->write_lock);
  if (self->connection)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  self->socket = NULL;
  hs_mutex_unlock (&self->write_lock);
  mark_lost (self);
}

static gboolean
handshake (HsProbeGdb    *self,
           gboolean      *was_running,
           GError       **error)
{
  g_autofree char *supported = NULL;
  g_autofree char *qemu = NULL;
  g_autofree char *why = NULL;

  supported = request (self, "qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=aarch64",
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
  if (!send_packet (self, "?", error))
    return FALSE;
  why = read_reply (self, TRUE, REPLY_TIMEOUT_MS, NULL, NULL, error);
  if (why == NULL)
    return FALSE;
  *was_running = self->saw_async_stop;

  if (!load_threads (self, error) || !load_registers (self, error))
    return FALSE;

  /* Physical addressing is a QEMU extension; without it we say so when asked. */
  qemu = request (self, "qqemu.Supported", error);
  if (qemu == NULL)
    return FALSE;
  if (strstr (qemu, "PhyMemMode") != NULL)
    {
      if (!request_ok (self, "Qqemu.PhyMemMode:1", "switch to physical memory access", error))
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

  ok = handshake (self, was_running, &local_error);
  if (!ok)
    {
      close_socket (self);
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

  /* A waiter in wait_stop() holds io_lock; closing the socket wakes it with an error. */
  if (!hs_mutex_trylock (&self->io_lock))
    {
      close_socket (self);
      return;
    }
  close_socket (self);
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
      g_autofree char *reply = request (self, pkt, error);

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
  if (!check_halted (self, error))
    {
      close_socket (self);
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
      g_autofree char *reply = request (self, pkt, &local_error);

      if (reply == NULL && !g_atomic_int_get (&self->connected))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          close_socket (self);
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
      invalidate_caches (self);
      ok = send_packet (self, "vCont;c", error);
      if (ok)
        {
          *outcome = HS_DETACH_RESUMED;
          *note = g_strdup_printf ("the gdbstub refused to detach (%s), so Hyperscope resumed "
                                   "the target itself", refusal);
        }
    }
  close_socket (self);
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

/* ---- registers -------------------------------------------------------------------------- */

static guint64
le_value (const guint8 *bytes,
          gsize         size)
{
  guint64 v = 0;

  for (gsize i = MIN (size, 8); i > 0; i--)
    v = v << 8 | bytes[i - 1];
  return v;
}

/* Decodes one register's hex; "xx..." means the stub cannot read it now. */
static gboolean
decode_register (const char *hex,
                 gsize       size,
                 guint64    *value,
                 gboolean   *valid)
{
  guint8 bytes[64];

  if (size > sizeof bytes)
    return FALSE;
  if (hex[0] == 'x')
    {
      *valid = FALSE;
      *value = 0;
      return TRUE;
    }
  if (!hs_rsp_hex_decode (hex, size * 2, bytes))
    return FALSE;
  *value = le_value (bytes, size);
  /* Values wider than 64 bits (vector registers) are not representable here. */
  *valid = size <= 8;
  return TRUE;
}

static gboolean
fetch_g (HsProbeGdb  *self,
         guint        core,
         GError     **error)
{
  RegCache *rc = &self->reg_cache[core];
  g_autofree char *reply = NULL;
  gsize len;

  if (!select_core (self, core, error))
    return FALSE;
  reply = request_len (self, "g", &len, error);
  if (reply == NULL || !check_error_reply (self, "read registers", reply, error))
    return FALSE;
  if (len / 2 < self->g_size)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "core %u: the 'g' reply has %zu bytes, expected %zu", core, len / 2,
                   self->g_size);
      return FALSE;
    }
  for (guint i = 0; i < self->registers->len; i++)
    {
      gssize off = g_array_index (self->g_offsets, gssize, i);
      HsRegisterInfo *info = g_ptr_array_index (self->registers, i);

      if (off < 0)
        continue;
      if (!decode_register (reply + off * 2, info->bitsize / 8, &rc->values[i], &rc->valid[i]))
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                       "core %u: bad value for %s in the 'g' reply", core, info->name);
          return FALSE;
        }
      rc->fetched[i] = TRUE;
    }
  rc->g_done = TRUE;
  return TRUE;
}

static gboolean
fetch_p (HsProbeGdb  *self,
         guint        core,
         guint        index,
         GError     **error)
{
  RegCache *rc = &self->reg_cache[core];
  HsRegisterInfo *info = g_ptr_array_index (self->registers, index);
  g_autofree char *pkt = g_strdup_printf ("p%x", info->regnum);
  g_autofree char *reply = NULL;
  gsize len;

  if (!select_core (self, core, error))
    return FALSE;
  reply = request_len (self, pkt, &len, error);
  if (reply == NULL)
    return FALSE;
  if (reply[0] == 'E' && len == 3)
    {
      /* Some system registers cannot be read in the core's current state. */
      rc->valid[index] = FALSE;
      rc->fetched[index] = TRUE;
      return TRUE;
    }
  if (!check_error_reply (self, info->name, reply, error))
    return FALSE;
  if (len < (info->bitsize / 8) * 2
      || !decode_register (reply, info->bitsize / 8, &rc->values[index], &rc->valid[index]))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "core %u: bad value for %s: '%.40s'", core, info->name, reply);
      return FALSE;
    }
  rc->fetched[index] = TRUE;
  return TRUE;
}

static gboolean
hs_probe_gdb_read_registers (HsProbe      *probe,
                             guint         core,
                             const guint  *indexes,
                             guint         n_indexes,
                             guint64      *values,
                             gboolean     *valid,
                             GError      **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gboolean ok = TRUE;

  hs_mutex_lock (&self->io_lock);
  if (!check_halted (self, error) || !check_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  for (guint k = 0; k < n_indexes && ok; k++)
    {
      RegCache *rc = &self->reg_cache[core];
      guint i = indexes[k];

      if (i >= self->registers->len)
        {
          g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_REGISTER,
                       "no register with index %u", i);
          ok = FALSE;
          break;
        }
      if (!rc->fetched[i])
        {
          if (g_array_index (self->g_offsets, gssize, i) >= 0 && !rc->g_done)
            ok = fetch_g (self, core, error);
          else
            ok = fetch_p (self, core, i, error);
        }
      if (ok)
        {
          values[k] = rc->values[i];
          valid[k] = rc->valid[i];
        }
    }
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_write_register (HsProbe  *probe,
                             guint     core,
                             guint     index,
                             guint64   value,
                             GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  HsRegisterInfo *info;
  guint8 bytes[8];
  g_autofree char *hex = NULL;
  g_autofree char *pkt = NULL;
  gsize size;
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!check_halted (self, error) || !check_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  if (index >= self->registers->len)
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_REGISTER,
                   "no register with index %u", index);
      return FALSE;
    }
  info = g_ptr_array_index (self->registers, index);
  size = MIN (info->bitsize / 8, sizeof bytes);
  for (gsize i = 0; i < size; i++)
    bytes[i] = (value >> (8 * i)) & 0xff;
  hex = hs_rsp_hex_encode (bytes, size);
  pkt = g_strdup_printf ("P%x=%s", info->regnum, hex);
  ok = select_core (self, core, error) && request_ok (self, pkt, info->name, error);
  /* Reread it next time: the stub may have masked bits. */
  self->reg_cache[core].fetched[index] = FALSE;
  self->reg_cache[core].g_done = FALSE;
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

/* ---- memory ----------------------------------------------------------------------------- */

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

  reply = request_len (self, pkt, &reply_len, error);
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
  if (!check_halted (self, error) || !check_phys (self, error))
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
  if (!check_halted (self, error) || !check_core (self, core, error)
      || !check_phys (self, error) || !select_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  if (!request_ok (self, "Qqemu.PhyMemMode:0", "switch to virtual memory access", error))
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
  if (!request_ok (self, "Qqemu.PhyMemMode:1", "switch back to physical memory access",
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
  if (!check_halted (self, error) || !check_phys (self, error))
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

      if (!request_ok (self, pkt, "write memory", error))
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

/* ---- run control ------------------------------------------------------------------------ */

static gboolean
hs_probe_gdb_resume (HsProbe  *probe,
                     GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!check_halted (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  invalidate_caches (self);
  self->step_pending = FALSE;
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  ok = send_packet (self, "vCont;c", error);
  if (ok)
    g_atomic_int_set (&self->running, TRUE);
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_step (HsProbe  *probe,
                   guint     core,
                   GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autofree char *thread = NULL;
  g_autofree char *pkt = NULL;
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!check_halted (self, error) || !check_core (self, core, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  invalidate_caches (self);
  thread = format_thread (self, core);
  pkt = g_strdup_printf ("vCont;s:%s", thread);
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  ok = send_packet (self, pkt, error);
  if (ok)
    {
      self->step_pending = TRUE;
      g_atomic_int_set (&self->running, TRUE);
    }
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_interrupt (HsProbe  *probe,
                        GError  **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  static const guint8 ctrl_c = 0x03;

  if (!g_atomic_int_get (&self->connected))
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED,
                   "not connected to a gdbstub");
      return FALSE;
    }
  if (!g_atomic_int_get (&self->running))
    return TRUE;
  g_atomic_int_set (&self->interrupt_sent, TRUE);
  return send_raw (self, &ctrl_c, 1, error);
}

static gboolean
hs_probe_gdb_wait_stop (HsProbe       *probe,
                        guint          timeout_ms,
                        HsStopEvent   *event,
                        GCancellable  *cancellable,
                        GError       **error)
{
  HsProbeGdb *self = HS_PROBE_GDB (probe);
  g_autofree char *reply = NULL;
  HsRspStop stop;
  gint core;

  memset (event, 0, sizeof *event);
  hs_mutex_lock (&self->io_lock);
  if (!g_atomic_int_get (&self->connected))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED,
                   "not connected to a gdbstub");
      return FALSE;
    }
  if (!g_atomic_int_get (&self->running))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_FAILED, "the target is not running");
      return FALSE;
    }

  reply = read_reply (self, TRUE, timeout_ms, cancellable, NULL, error);
  if (reply == NULL)
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  g_atomic_int_set (&self->running, FALSE);
  invalidate_caches (self);

  if (!hs_rsp_parse_stop (reply, &stop))
    {
      hs_mutex_unlock (&self->io_lock);
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "bad stop reply from the gdbstub: '%.40s'", reply);
      return FALSE;
    }

  event->signal = stop.signal;
  if (stop.kind != HS_RSP_STOP_SIGNAL)
    {
      event->reason = HS_STOP_REASON_EXITED;
      mark_lost (self);
      hs_mutex_unlock (&self->io_lock);
      return TRUE;
    }

  core = stop.has_thread ? core_for_thread (self, stop.pid, stop.tid) : -1;
  event->core = core < 0 ? 0 : (guint) core;
  if (stop.has_watch)
    {
      event->reason = HS_STOP_REASON_WATCHPOINT;
      event->address = stop.watch_addr;
    }
  else if (self->step_pending && stop.signal == 5)
    event->reason = HS_STOP_REASON_STEP;
  else if (stop.swbreak || stop.hwbreak)
    event->reason = HS_STOP_REASON_BREAKPOINT;
  else if (g_atomic_int_get (&self->interrupt_sent) && (stop.signal == 2 || stop.signal == 0))
    event->reason = HS_STOP_REASON_HALT_REQUEST;
  else if (stop.signal == 5 && g_hash_table_size (self->breakpoints) > 0)
    event->reason = HS_STOP_REASON_BREAKPOINT;
  else
    event->reason = HS_STOP_REASON_SIGNAL;
  self->step_pending = FALSE;
  g_atomic_int_set (&self->interrupt_sent, FALSE);
  hs_mutex_unlock (&self->io_lock);
  return TRUE;
}

static gboolean
change_breakpoint (HsProbeGdb        *self,
                   gboolean           insert,
                   HsBreakpointType   type,
                   guint64            address,
                   GError           **error)
{
  int z = type == HS_BREAKPOINT_HARDWARE ? 1 : 0;
  g_autofree char *pkt = g_strdup_printf ("%c%d,%" G_GINT64_MODIFIER "x,4", insert ? 'Z' : 'z',
                                          z, address);
  g_autofree char *what = g_strdup_printf ("%s breakpoint at 0x%" G_GINT64_MODIFIER "x",
                                           insert ? "set" : "remove", address);
  gboolean ok;

  hs_mutex_lock (&self->io_lock);
  if (!check_halted (self, error))
    {
      hs_mutex_unlock (&self->io_lock);
      return FALSE;
    }
  ok = request_ok (self, pkt, what, error);
  if (ok && insert)
    {
      guint64 *key = g_new (guint64, 1);

      *key = address;
      g_hash_table_insert (self->breakpoints, key, GINT_TO_POINTER (z + 1));
    }
  else if (ok)
    g_hash_table_remove (self->breakpoints, &address);
  hs_mutex_unlock (&self->io_lock);
  return ok;
}

static gboolean
hs_probe_gdb_insert_breakpoint (HsProbe           *probe,
                                HsBreakpointType   type,
                                guint64            address,
                                GError           **error)
{
  return change_breakpoint (HS_PROBE_GDB (probe), TRUE, type, address, error);
}

static gboolean
hs_probe_gdb_remove_breakpoint (HsProbe           *probe,
                                HsBreakpointType   type,
                                guint64            address,
                                GError           **error)
{
  return change_breakpoint (HS_PROBE_GDB (probe), FALSE, type, address, error);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_probe_gdb_finalize (GObject *object)
{
  HsProbeGdb *self = HS_PROBE_GDB (object);

  close_socket (self);
  clear_target_state (self);
  hs_rsp_decoder_clear (&self->decoder);
  g_clear_pointer (&self->mem_cache, g_hash_table_unref);
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
  self->mem_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->breakpoints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->hg_core = -1;
}

static void
hs_probe_gdb_iface_init (HsProbeInterface *iface)
{
  iface->connect = hs_probe_gdb_connect;
  iface->disconnect = hs_probe_gdb_disconnect;
  iface->detach = hs_probe_gdb_detach;
  iface->is_connected = hs_probe_gdb_is_connected;
  iface->describe = hs_probe_gdb_describe;
  iface->get_n_cores = hs_probe_gdb_get_n_cores;
  iface->get_registers = hs_probe_gdb_get_registers;
  iface->read_registers = hs_probe_gdb_read_registers;
  iface->write_register = hs_probe_gdb_write_register;
  iface->read_memory = hs_probe_gdb_read_memory;
  iface->write_memory = hs_probe_gdb_write_memory;
  iface->resume = hs_probe_gdb_resume;
  iface->step = hs_probe_gdb_step;
  iface->interrupt = hs_probe_gdb_interrupt;
  iface->wait_stop = hs_probe_gdb_wait_stop;
  iface->insert_breakpoint = hs_probe_gdb_insert_breakpoint;
  iface->remove_breakpoint = hs_probe_gdb_remove_breakpoint;
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
