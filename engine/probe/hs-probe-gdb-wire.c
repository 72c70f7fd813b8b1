/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-wire.c: the GDB remote probe's wire: framing out, events in, acks, a request and
 * its reply, and pipelines of requests. Everything here runs with io_lock held (the interrupt
 * byte aside: see _hs_gdb_send_raw and write_lock).
 *
 * A reply names nothing of its request: the next packet in is the answer to the oldest question
 * still open. So once a reply is overdue (or the framing went wrong in a way a retransmission
 * cannot mend) the stream cannot be trusted again: a late 'm' answer is hex of the same length
 * as the next one's, and would be shown as the memory at the wrong address. Draining until the
 * line goes quiet, or asking something whose answer looks unique, only makes that unlikely, not
 * impossible. What someone debugging through a JTAG probe or QEMU wants is never to see a wrong
 * value; a stub that misses a 5 s deadline on a halted target is wedged anyway, so the probe
 * closes the connection and says so (HS_PROBE_ERROR_CONNECTION_LOST, which the engine reports
 * once, as a lost board), and reconnecting starts a clean stream with a fresh handshake. Only
 * the handshake's own timeout stays G_IO_ERROR_TIMED_OUT: connect closes everything then anyway.
 * A wait for a stop is different: a stop reply says what it is, so one that comes late is still
 * the right answer to the next wait, and such a timeout keeps the connection.
 */
#define G_LOG_DOMAIN "hs-probe-gdb"

#include "config.h"

#include "hs-probe-gdb-private.h"

#include <string.h>

/* ---- wire ------------------------------------------------------------------------------- */

void
_hs_gdb_mark_lost (HsProbeGdb *self)
{
  g_atomic_int_set (&self->connected, FALSE);
  g_atomic_int_set (&self->running, FALSE);
}

static gboolean
lost_error (HsProbeGdb  *self,
            GError     **error,
            const char  *why)
{
  _hs_gdb_mark_lost (self);
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
               "lost the connection to the gdbstub at %s:%u: %s", self->host, self->port, why);
  return FALSE;
}

/* By the io_lock holder, the socket's reader: nothing of the old stream may reach the decoder
 * of the next connection. */
static void
close_stream (HsProbeGdb *self)
{
  _hs_gdb_close (self);
  self->rx_len = self->rx_pos = 0;
  hs_rsp_decoder_reset (&self->decoder);
}

/* The stream is out of step (see the top of this file), so we end it. */
static gboolean
drop_error (HsProbeGdb  *self,
            GError     **error,
            const char  *why)
{
  close_stream (self);
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
               "lost the connection to the gdbstub at %s:%u: %s; the connection is closed",
               self->host, self->port, why);
  return FALSE;
}

/* A reply (or its ack) overdue: see the top of this file. */
static gboolean
reply_timeout_error (HsProbeGdb     *self,
                     HsGdbDeadline   deadline,
                     GError        **error)
{
  const char *partial = hs_rsp_decoder_in_frame (&self->decoder)
                        ? " (it stopped in the middle of a reply)" : "";

  if (self->attaching)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "the gdbstub at %s:%u did not answer within %u ms%s", self->host, self->port,
                   deadline.ms, partial);
      return FALSE;
    }
  close_stream (self);
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
               "the gdbstub at %s:%u did not answer within %u ms%s; the connection is closed",
               self->host, self->port, deadline.ms, partial);
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

/* Writes all of @data by @end (monotonic us), or gives up on the connection: a frame half sent
 * cannot be taken back. */
static gboolean
send_bytes (HsProbeGdb    *self,
            const guint8  *data,
            gsize          len,
            gint64         end,
            GCancellable  *cancellable,
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
          gint64 left = end - g_get_monotonic_time ();

          g_clear_error (&local_error);
          if (left > 0
              && g_socket_condition_timed_wait (self->socket, G_IO_OUT,
                                                end == G_MAXINT64 ? -1 : left, cancellable,
                                                &local_error))
            continue;
          if (local_error == NULL)
            g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "the gdbstub stopped reading what is sent to it");
        }
      if (n <= 0)
        {
          hs_mutex_unlock (&self->write_lock);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              _hs_gdb_mark_lost (self);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          return lost_error (self, error, local_error ? local_error->message : "send failed");
        }
      done += n;
    }
  hs_mutex_unlock (&self->write_lock);
  return TRUE;
}

/* From any thread (the interrupt byte): not the io_lock holder's cancellable or deadline. */
gboolean
_hs_gdb_send_raw (HsProbeGdb    *self,
                  const guint8  *data,
                  gsize          len,
                  GError       **error)
{
  return send_bytes (self, data, len, g_get_monotonic_time () + (gint64) REPLY_TIMEOUT_MS * 1000,
                     NULL, error);
}

/* With io_lock held: within the request's deadline, cancelled with its call. */
static gboolean
send_until (HsProbeGdb     *self,
            const guint8   *data,
            gsize           len,
            HsGdbDeadline   deadline,
            GError        **error)
{
  return send_bytes (self, data, len, deadline.end, self->cancellable, error);
}

HsGdbDeadline
_hs_gdb_deadline (HsProbeGdb *self,
                  guint       timeout_ms)
{
  gint64 now = g_get_monotonic_time ();
  HsGdbDeadline d = { G_MAXINT64, timeout_ms };

  if (timeout_ms != G_MAXUINT)
    d.end = now + (gint64) timeout_ms * 1000;
  if (self->call_deadline < d.end)
    {
      d.end = self->call_deadline;
      d.ms = (guint) CLAMP ((d.end - now) / 1000, 0, G_MAXUINT - 1);
    }
  return d;
}

/* Reads until the decoder produces one event. @owed: a request waits for its ack or reply, so a
 * timeout puts the stream out of step and closes it; otherwise (a wait for a stop, a pipeline's
 * short wait before it sends its acks) it is G_IO_ERROR_TIMED_OUT. Call with io_lock held. */
static gboolean
read_event (HsProbeGdb     *self,
            HsGdbDeadline   deadline,
            gboolean        owed,
            HsRspEvent     *event,
            GError        **error)
{
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

      /* Before every read, not only when the socket is idle: a stub that keeps it busy must
       * not keep us past the deadline. */
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      left = deadline.end - g_get_monotonic_time ();
      if (left <= 0 && owed)
        return reply_timeout_error (self, deadline, error);
      if (left <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "the gdbstub at %s:%u did not answer within %u ms",
                       self->host, self->port, deadline.ms);
          return FALSE;
        }
      /* Closed under us (a lost connection, or disconnect from another thread). */
      if (self->socket == NULL)
        return lost_error (self, error, "not connected");

      /* The socket does not block: a reply already there costs one call, not a poll too (a
       * pipeline's replies mostly are). */
      n = g_socket_receive (self->socket, (char *) self->rx, sizeof self->rx, NULL, &local_error);
      if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&local_error);
          if (!g_socket_condition_timed_wait (self->socket, G_IO_IN,
                                              deadline.end == G_MAXINT64 ? -1 : left,
                                              self->cancellable, &local_error)
              && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          continue;  /* a timeout is checked against the deadline above */
        }
      if (n <= 0)
        {
          gboolean partial = hs_rsp_decoder_in_frame (&self->decoder);

          close_stream (self);
          if (n < 0)
            return lost_error (self, error, local_error->message);
          return lost_error (self, error, partial
                                          ? "it closed the connection in the middle of a reply"
                                          : "the stub closed the connection");
        }
      self->rx_len = n;
      self->rx_pos = 0;
    }
}

static gboolean
send_ack (HsProbeGdb     *self,
          gboolean        good,
          HsGdbDeadline   deadline,
          GError        **error)
{
  return send_until (self, (const guint8 *) (good ? "+" : "-"), 1, deadline, error);
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

/* Console output ('O' and hex), which a stub may send at any time. "OK" is not. */
static gboolean
is_console_output (const char *payload,
                   gsize       len)
{
  if (len < 3 || payload[0] != 'O' || len % 2 != 1)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (payload[i]))
      return FALSE;
  return TRUE;
}

/* Sends one packet and waits for its '+', by @deadline. Call with io_lock held. */
gboolean
_hs_gdb_send_packet (HsProbeGdb     *self,
                     const char     *payload,
                     HsGdbDeadline   deadline,
                     GError        **error)
{
  g_autoptr(GBytes) frame = hs_rsp_frame (payload, strlen (payload));
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  self->n_packets++;
  self->n_round_trips++;
  if (trace_enabled ())
    g_printerr ("rsp -> %.200s\n", payload);
  for (guint attempt = 0; attempt <= MAX_RETRANSMITS; attempt++)
    {
      if (!send_until (self, data, len, deadline, error))
        return FALSE;
      for (;;)
        {
          HsRspEvent ev;

          if (!read_event (self, deadline, TRUE, &ev, error))
            return FALSE;
          if (ev.kind == HS_RSP_EVENT_ACK)
            return TRUE;
          if (ev.kind == HS_RSP_EVENT_NAK)
            break;
          if (ev.kind == HS_RSP_EVENT_PACKET && hs_rsp_is_stop_reply (ev.payload))
            {
              note_async_stop (self, ev.payload);
              if (!send_ack (self, TRUE, deadline, error))
                return FALSE;
            }
          else if (ev.kind == HS_RSP_EVENT_PACKET)
            {
              /* Not ours to answer, but the stub waits for its ack all the same. */
              g_debug ("dropping '%.40s' while waiting for an ack", ev.payload);
              if (!send_ack (self, TRUE, deadline, error))
                return FALSE;
            }
          else if (ev.kind == HS_RSP_EVENT_BAD_CHECKSUM
                   && !send_ack (self, FALSE, deadline, error))
            return FALSE;
        }
    }
  g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
               "the gdbstub rejected packet '%.32s' %d times", payload, MAX_RETRANSMITS + 1);
  return FALSE;
}

/* Reads the next reply packet by @deadline, acking it; stop replies are skipped unless
 * @want_stop, console output always. */
char *
_hs_gdb_read_reply (HsProbeGdb     *self,
                    gboolean        want_stop,
                    HsGdbDeadline   deadline,
                    gsize          *out_len,
                    GError        **error)
{
  for (;;)
    {
      HsRspEvent ev;

      if (!read_event (self, deadline, !want_stop, &ev, error))
        return NULL;
      switch (ev.kind)
        {
        case HS_RSP_EVENT_PACKET:
          if (!send_ack (self, TRUE, deadline, error))
            return NULL;
          if (!want_stop && hs_rsp_is_stop_reply (ev.payload))
            {
              note_async_stop (self, ev.payload);
              continue;
            }
          /* No reply of ours is 'O' and hex: it is output, not the answer. */
          if (!want_stop && is_console_output (ev.payload, ev.payload_len))
            {
              g_debug ("ignoring '%.40s' while waiting for a reply", ev.payload);
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
          if (!send_ack (self, FALSE, deadline, error))
            return NULL;
          continue;

        case HS_RSP_EVENT_OVERFLOW:
          {
            g_autofree char *why = g_strdup_printf ("it sent a packet over %u bytes",
                                                    MAX_PAYLOAD);

            /* Neither '+' (it was not taken) nor '-' (the same packet would come again) leaves
             * the stream in step. */
            drop_error (self, error, why);
            return NULL;
          }

        case HS_RSP_EVENT_NOTIFICATION:
        case HS_RSP_EVENT_ACK:
        case HS_RSP_EVENT_NAK:
        case HS_RSP_EVENT_NONE:
        default:
          continue;
        }
    }
}

/* One deadline from sending to the end of the reply: what the stub sends in between (acks,
 * output, stop replies) does not buy it more time. */
char *
_hs_gdb_request_len (HsProbeGdb  *self,
                     const char  *payload,
                     gsize       *out_len,
                     GError     **error)
{
  HsGdbDeadline deadline = _hs_gdb_deadline (self, self->reply_timeout_ms);

  if (!_hs_gdb_send_packet (self, payload, deadline, error))
    return NULL;
  return _hs_gdb_read_reply (self, FALSE, deadline, out_len, error);
}

char *
_hs_gdb_request (HsProbeGdb  *self,
                 const char  *payload,
                 GError     **error)
{
  return _hs_gdb_request_len (self, payload, NULL, error);
}

gboolean
_hs_gdb_check_error_reply (HsProbeGdb  *self,
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
gboolean
_hs_gdb_request_ok (HsProbeGdb  *self,
                    const char  *payload,
                    const char  *what,
                    GError     **error)
{
  g_autofree char *reply = _hs_gdb_request (self, payload, error);

  if (reply == NULL || !_hs_gdb_check_error_reply (self, what, reply, error))
    return FALSE;
  if (strcmp (reply, "OK") != 0)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL,
                   "%s: expected OK from the gdbstub, got '%.40s'", what, reply);
      return FALSE;
    }
  return TRUE;
}

/* ---- pipelining ------------------------------------------------------------------------- */

/*
 * Several requests on the wire at once. QEMU's stub handles its input strictly in order and, in
 * system mode, never waits for our '+' before taking the next packet, so @window requests can be
 * in flight and their replies come back in the order sent: a small read then costs a third of
 * a round trip. Any surprise (a '-', a corrupt or oversized reply, a timeout) leaves replies
 * we can no longer match to requests, so it ends the connection rather than guess. Each reply
 * is due reply_timeout_ms after the previous one, whatever else comes in between.
 * Call with io_lock held.
 */
gboolean
_hs_gdb_pipeline (HsProbeGdb       *self,
                  char * const     *payloads,
                  guint             n,
                  guint             window,
                  HsGdbReplyFunc    take,
                  gpointer          user_data,
                  GError          **error)
{
  g_autoptr(GError) take_error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint sent = 0, got = 0, acks = 0;
  HsGdbDeadline deadline = _hs_gdb_deadline (self, self->reply_timeout_ms);

  g_assert (window > 0);
  /* Stubs that wait for each ack, or read a packet only after answering the last (OpenOCD,
   * J-Link without no-ack mode), get one request at a time and their acks at once. */
  if (!self->is_qemu)
    window = 1;

  while (got < n)
    {
      gboolean have_reply = FALSE;

      /* The acks owed and the next requests in one write, and only once half the window has
       * come back: syscalls, not bytes, cost here. */
      g_byte_array_set_size (out, 0);
      /* After a failed reply nothing more is asked: what is in flight is read and dropped. */
      if (take_error != NULL)
        n = sent;
      if (sent < n && sent - got <= window / 2)
        for (; acks > 0; acks--)
          g_byte_array_append (out, (const guint8 *) "+", 1);
      for (gboolean refill = sent < n && sent - got <= window / 2;
           refill && sent < n && sent - got < window;)
        {
          g_autoptr(GBytes) frame = hs_rsp_frame (payloads[sent], strlen (payloads[sent]));
          gsize len;
          const guint8 *data = g_bytes_get_data (frame, &len);

          self->n_packets++;
          if (trace_enabled ())
            g_printerr ("rsp -> (pipelined) %.200s\n", payloads[sent]);
          g_byte_array_append (out, data, len);
          sent++;
        }
      if (out->len > 0)
        {
          if (!send_until (self, out->data, out->len, deadline, error))
            return FALSE;
          self->n_round_trips++;
        }

      while (!have_reply)
        {
          g_autoptr(GError) local_error = NULL;
          HsGdbDeadline wait = deadline;
          HsRspEvent ev;

          /* Acks go out with the next requests or at the end, one write for many: QEMU does
           * not wait for them. A stub that does would stall here: after a short wait, they
           * go out on their own. */
          if (acks > 0)
            wait.end = MIN (wait.end, g_get_monotonic_time () + ACK_STALL_MS * 1000);
          if (!read_event (self, wait, acks == 0, &ev, &local_error)
              && acks > 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            {
              g_clear_error (&local_error);
              g_byte_array_set_size (out, 0);
              for (; acks > 0; acks--)
                g_byte_array_append (out, (const guint8 *) "+", 1);
              if (!send_until (self, out->data, out->len, deadline, error))
                return FALSE;
              continue;
            }
          if (local_error != NULL)
            {
              if (g_error_matches (local_error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST))
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              return drop_error (self, error, local_error->message);
            }
          switch (ev.kind)
            {
            case HS_RSP_EVENT_PACKET:
              if (self->is_qemu)
                acks++;
              else if (!send_ack (self, TRUE, deadline, error))
                return FALSE;
              if (hs_rsp_is_stop_reply (ev.payload))
                {
                  note_async_stop (self, ev.payload);
                  continue;
                }
              if (is_console_output (ev.payload, ev.payload_len))
                continue;
              if (trace_enabled ())
                g_printerr ("rsp <- %.200s\n", ev.payload);
              /* After a failure the rest is still read, to keep requests and replies paired. */
              if (take_error == NULL)
                take (got, ev.payload, ev.payload_len, user_data, &take_error);
              got++;
              have_reply = TRUE;
              deadline = _hs_gdb_deadline (self, self->reply_timeout_ms);
              break;
            case HS_RSP_EVENT_NAK:
              return drop_error (self, error, "the gdbstub rejected a pipelined request");
            case HS_RSP_EVENT_BAD_CHECKSUM:
              return drop_error (self, error, "a corrupt reply in a pipeline of requests");
            case HS_RSP_EVENT_OVERFLOW:
              return drop_error (self, error, "the gdbstub sent a packet over the size limit");
            case HS_RSP_EVENT_ACK:
            case HS_RSP_EVENT_NOTIFICATION:
            case HS_RSP_EVENT_NONE:
            default:
              continue;
            }
        }
    }
  if (acks > 0)
    {
      g_byte_array_set_size (out, 0);
      for (; acks > 0; acks--)
        g_byte_array_append (out, (const guint8 *) "+", 1);
      if (!send_until (self, out->data, out->len, deadline, error))
        return FALSE;
    }
  if (take_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&take_error));
      return FALSE;
    }
  return TRUE;
}
