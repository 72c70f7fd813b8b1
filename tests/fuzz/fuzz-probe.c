/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-probe.c: the GDB remote probe against a hostile stub. The input, split at NUL bytes, is
 * what the stub says: each piece answers the next request the probe sends (an interrupt byte
 * counts as one), then the stub hangs up. The probe connects, reads and writes registers and
 * memory, plants a breakpoint, steps, resumes and interrupts, and detaches; whatever the stub
 * says, every call must come back, in a fraction of a second, and the probe must stay sane.
 *
 * A piece is a reply's payload, sent as "+$PIECE#cs" (an ack, then the packet with its
 * checksum right, so what is inside reaches the parsers), unless it starts with flags:
 *   '!'  the rest goes out as it is: garbage, acks, naks, bad checksums, half a frame,
 *        notifications ("!%Stop:T05#..");
 *   '>'  the piece does not wait for a request: it follows the one before at once (console
 *        output or a stop reply in front of the answer).
 * A piece that answers nothing the probe asked (it still waits) is followed by the next one
 * after STUB_PATIENCE_MS, so an input never waits on the probe's timeouts; those are made
 * short too (_hs_gdb_set_timeouts), should the stub's pace and the probe's ever cross.
 *
 * Threads: the stub is a thread of its own, which owns its end of the connection; it shares
 * only the input, read-only, and is joined before the input is gone.
 */
#define G_LOG_DOMAIN "fuzz-probe"

#include "config.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <string.h>

#include "hs-probe-gdb.h"
#include "hs-probe-gdb-private.h"

/* How long the stub waits for a request before it sends the next piece anyway. */
#define STUB_PATIENCE_MS 10
/* Pieces past this are dropped: an input's time stays under MAX_PIECES * STUB_PATIENCE_MS. */
#define MAX_PIECES 128
/* After the last piece, how long the stub waits for the probe to hang up. */
#define STUB_LINGER_MS 2000
#define PROBE_REPLY_MS 250
#define PROBE_HANDSHAKE_MS 2000
#define WAIT_STOP_MS 20

typedef struct
{
  const guint8 *data;
  gsize len;
  gboolean raw;
  gboolean chained;
} Piece;

typedef struct
{
  GSocket *listener;            /* borrowed: the process's */
  Piece pieces[MAX_PIECES];
  guint n_pieces;
} Stub;

static GSocket *
get_listener (guint16 *port)
{
  static GSocket *listener;
  static guint16 listener_port;

  if (listener == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;

      listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, &error);
      if (listener == NULL || !g_socket_bind (listener, any, TRUE, &error)
          || !g_socket_listen (listener, &error))
        g_error ("fuzz-probe: cannot listen on 127.0.0.1: %s", error->message);
      /* accept() gives up too, should the probe never come. */
      g_socket_set_timeout (listener, 5);
      bound = g_socket_get_local_address (listener, &error);
      if (bound == NULL)
        g_error ("fuzz-probe: %s", error->message);
      listener_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    }
  *port = listener_port;
  return listener;
}

/* The probe's side of the wire, parsed only as far as counting its requests. */
typedef struct
{
  int state;                    /* 0: between frames, 1: payload, 2-3: checksum */
  guint requests;               /* received, not answered yet */
} Reader;

static void
reader_feed (Reader       *r,
             const guint8 *data,
             gsize         len)
{
  for (gsize i = 0; i < len; i++)
    switch (r->state)
      {
      case 0:
        if (data[i] == '$')
          r->state = 1;
        else if (data[i] == 0x03)
          r->requests++;
        break;
      case 1:
        if (data[i] == '#')
          r->state = 2;
        break;
      case 2:
        r->state = 3;
        break;
      default:
        r->state = 0;
        r->requests++;
        break;
      }
}

/* Reads what the probe sent, until @end (monotonic us) or a request is waiting; FALSE when the
 * probe hung up. */
static gboolean
stub_wait_request (GSocket *conn,
                   Reader  *r,
                   gint64   end)
{
  while (r->requests == 0)
    {
      guint8 buf[4096];
      gint64 left = end - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || !g_socket_condition_timed_wait (conn, G_IO_IN, left, NULL, NULL))
        return TRUE;
      n = g_socket_receive (conn, (char *) buf, sizeof buf, NULL, NULL);
      if (n == 0)
        return FALSE;
      if (n < 0)
        continue;  /* would block: the wait above decides */
      reader_feed (r, buf, n);
    }
  return TRUE;
}

static void
stub_send_piece (GSocket     *conn,
                 const Piece *piece)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (piece->raw)
    g_byte_array_append (out, piece->data, piece->len);
  else
    {
      char trailer[4];
      guint8 sum = 0;

      for (gsize i = 0; i < piece->len; i++)
        sum += piece->data[i];
      g_byte_array_append (out, (const guint8 *) "+$", 2);
      g_byte_array_append (out, piece->data, piece->len);
      g_snprintf (trailer, sizeof trailer, "#%02x", sum);
      g_byte_array_append (out, (const guint8 *) trailer, 3);
    }
  /* The probe may have hung up: the rest of the input is simply not heard. */
  for (gsize done = 0; done < out->len;)
    {
      gssize n = g_socket_send (conn, (const char *) out->data + done, out->len - done, NULL,
                                NULL);

      if (n <= 0)
        return;
      done += n;
    }
}

static gpointer
stub_thread (gpointer data)
{
  Stub *stub = data;
  g_autoptr(GSocket) conn = g_socket_accept (stub->listener, NULL, NULL);
  Reader r = { 0 };
  gint64 end;

  if (conn == NULL)
    return NULL;
  g_socket_set_blocking (conn, FALSE);
  /* Without it, a piece right behind another waits for the first one's ACK (Nagle): 40 ms. */
  g_socket_set_option (conn, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  for (guint i = 0; i < stub->n_pieces; i++)
    {
      const Piece *piece = &stub->pieces[i];

      if (!piece->chained)
        {
          if (!stub_wait_request (conn, &r,
                                  g_get_monotonic_time () + STUB_PATIENCE_MS * 1000))
            return NULL;
          if (r.requests > 0)
            r.requests--;
        }
      stub_send_piece (conn, piece);
    }
  /* Out of words: hang up, but only once the probe has read all (closing with its acks
   * unread would reset the connection, and could drop the last piece). */
  g_socket_shutdown (conn, FALSE, TRUE, NULL);
  end = g_get_monotonic_time () + STUB_LINGER_MS * 1000;
  while (g_get_monotonic_time () < end)
    {
      r.requests = 0;
      if (!stub_wait_request (conn, &r, end))
        break;
    }
  g_socket_close (conn, NULL);
  return NULL;
}

static void
split_pieces (Stub          *stub,
              const uint8_t *data,
              size_t         size)
{
  const uint8_t *p = data;
  const uint8_t *stop = data + size;

  while (p <= stop && stub->n_pieces < MAX_PIECES)
    {
      const uint8_t *nul = memchr (p, 0, stop - p);
      const uint8_t *piece_end = nul ? nul : stop;
      Piece *piece = &stub->pieces[stub->n_pieces++];

      for (; p < piece_end && (*p == '!' || *p == '>'); p++)
        {
          if (*p == '!')
            piece->raw = TRUE;
          else
            piece->chained = TRUE;
        }
      piece->data = p;
      piece->len = piece_end - p;
      if (nul == NULL)
        break;
      p = nul + 1;
    }
}

/* Whatever a call returned, a lost connection must say so. */
static void
check (HsProbe *probe,
       GError **error)
{
  if (g_error_matches (*error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST)
      && hs_probe_is_connected (probe))
    g_error ("the probe reported a lost connection and still says it is connected: %s",
             (*error)->message);
  /* G_MESSAGES_DEBUG=all (and HYPERSCOPE_RSP_TRACE=1) show how far an input got. */
  if (*error != NULL)
    g_debug ("%s", (*error)->message);
  g_clear_error (error);
}

static void
exercise (HsProbe *probe)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *regs = hs_probe_get_registers (probe);
  guint n_cores = hs_probe_get_n_cores (probe);
  guint n_regs = MIN (regs->len, 128);
  g_autofree guint *indexes = g_new (guint, MAX (n_regs, 1));
  g_autofree guint64 *values = g_new (guint64, MAX (n_regs, 1));
  g_autofree gboolean *valid = g_new (gboolean, MAX (n_regs, 1));
  g_autofree guint8 *big = g_malloc (0x1800);
  guint8 small[16], piece_a[8], piece_b[0x900];
  HsProbeRead reads[] = {
    { 0x100, piece_a, sizeof piece_a, FALSE },
    { 0x40000000, piece_b, sizeof piece_b, FALSE },
  };
  static const guint8 pattern[16] = { 0xd5, 0x03, 0x20, 0x1f, 0x24, 0x23, 0x7d, 0x2a };
  HsDetachOutcome outcome;
  g_autofree char *note = NULL;
  HsStopEvent stop;

  if (n_cores == 0)
    g_error ("connected to a stub that lists no cores");
  for (guint i = 0; i < n_regs; i++)
    indexes[i] = i;

  /* Registers: the last core (an Hg first) in one pipeline, then core 0 from the cache. */
  hs_probe_read_registers (probe, n_cores - 1, indexes, n_regs, values, valid, &error);
  check (probe, &error);
  hs_probe_read_registers (probe, 0, indexes, MIN (n_regs, 4), values, valid, &error);
  check (probe, &error);
  if (n_regs > 0)
    {
      hs_probe_write_register (probe, 0, n_regs - 1, G_GUINT64_CONSTANT (0x123456789abcdef0),
                               &error);
      check (probe, &error);
    }

  /* Memory: a line, a read over several chunks, a vectored read, a write. */
  hs_probe_read_memory (probe, 0x1008, small, sizeof small, &error);
  check (probe, &error);
  hs_probe_read_memory (probe, 0x80000400, big, 0x1800, &error);
  check (probe, &error);
  hs_probe_read_memory_v (probe, reads, G_N_ELEMENTS (reads), &error);
  check (probe, &error);
  hs_probe_write_memory (probe, 0x2000, pattern, sizeof pattern, &error);
  check (probe, &error);
  hs_probe_gdb_read_virtual (HS_PROBE_GDB (probe), 0, G_GUINT64_CONSTANT (0xffff800008000000),
                             small, sizeof small, &error);
  check (probe, &error);

  /* Run control: a breakpoint, a step, a resume and an interrupt. */
  hs_probe_insert_breakpoint (probe, HS_BREAKPOINT_HARDWARE, 0x40001000, &error);
  check (probe, &error);
  if (hs_probe_step (probe, n_cores - 1, &error))
    hs_probe_wait_stop (probe, WAIT_STOP_MS, &stop, NULL, &error);
  check (probe, &error);
  if (hs_probe_resume (probe, &error) && hs_probe_interrupt (probe, &error))
    hs_probe_wait_stop (probe, WAIT_STOP_MS, &stop, NULL, &error);
  check (probe, &error);
  /* Should the target still run (no stop came), the read is refused, not sent. */
  hs_probe_read_memory (probe, 0x1000, small, 4, &error);
  check (probe, &error);

  hs_probe_detach (probe, &outcome, &note, &error);
  check (probe, &error);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsProbeGdb) gdb = NULL;
  Stub stub = { 0 };
  GThread *thread;
  gboolean was_running;
  guint16 port;

  stub.listener = get_listener (&port);
  split_pieces (&stub, data, size);
  thread = g_thread_new ("fuzz-stub", stub_thread, &stub);

  gdb = hs_probe_gdb_new ("127.0.0.1", port);
  _hs_gdb_set_timeouts (gdb, PROBE_REPLY_MS, PROBE_HANDSHAKE_MS);
  if (hs_probe_connect (HS_PROBE (gdb), &was_running, NULL, &error))
    exercise (HS_PROBE (gdb));
  else if (hs_probe_is_connected (HS_PROBE (gdb)))
    g_error ("connect failed and left the probe connected: %s", error->message);
  else
    g_debug ("%s", error->message);
  hs_probe_disconnect (HS_PROBE (gdb));
  g_thread_join (thread);
  return 0;
}
