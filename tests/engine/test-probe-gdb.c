/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-probe-gdb.c: HsProbeGdb against a scripted fake gdbstub.
 *
 * The stub is a thread that accepts one TCP connection on 127.0.0.1 and
 * answers from a fixed table, the way QEMU's gdbstub answers an aarch64
 * machine with two cores. Its framing is written here from the protocol
 * description, independently of hs-rsp.c, and it records every packet it
 * receives so the tests can check what went over the wire.
 *
 * The probe API blocks, so the tests call it directly from the test thread.
 */
#define G_LOG_DOMAIN "test-probe-gdb"

#include "config.h"

#include "hs-probe-gdb.h"
/* _hs_gdb_set_timeouts(): the timeout tests wait a fraction of a second, not the probe's 5 s. */
#include "hs-probe-gdb-private.h"
#include "hs-sync.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

/* The stub gives up on a silent peer after this long, so no test can hang. */
#define STUB_IO_TIMEOUT_S 10
/* A stalling stub keeps at it this long at most, should the probe never give up. */
#define STUB_STALL_S 20
/* The probe's REPLY_TIMEOUT_MS: a request's whole time, from sending it to its reply. */
#define PROBE_REPLY_TIMEOUT_MS 5000
/* What the timeout tests set it to instead. */
#define SHORT_REPLY_TIMEOUT_MS 300

#define INTERRUPT_MARK "<ctrl-c>"

/* ---- the target the stub pretends to be ------------------------------------------------- */

static const char target_xml[] =
  "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
  "<target><architecture>aarch64</architecture>"
  "<xi:include href=\"aarch64-core.xml\"/>"
  "<xi:include href=\"system-registers.xml\"/>"
  "</target>";

static char *
make_core_xml (void)
{
  GString *s = g_string_new ("<?xml version=\"1.0\"?>\n"
                             "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
                             "<feature name=\"org.gnu.gdb.aarch64.core\">\n");

  for (guint i = 0; i <= 30; i++)
    g_string_append_printf (s, "  <reg name=\"x%u\" bitsize=\"64\"/>\n", i);
  g_string_append (s, "  <reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
                      "  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
                      "  <reg name=\"cpsr\" bitsize=\"32\"/>\n"
                      "</feature>\n");
  return g_string_free (s, FALSE);
}

/* Numbered out of document order, as QEMU's hash table numbers them. */
static const char sysregs_xml[] =
  "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
  "<feature name=\"org.qemu.gdb.arm64.sys.regs\">"
  "<reg name=\"VTTBR_EL2\" bitsize=\"64\" regnum=\"69\" group=\"system\" type=\"uint64\"/>"
  "<reg name=\"TCR_EL1\" bitsize=\"64\" regnum=\"68\" group=\"system\" type=\"uint64\"/>"
  "</feature>";

#define N_CORE_REGS 34
#define REGNUM_VTTBR 69
#define REGNUM_TCR 68
#define VTTBR_VALUE G_GUINT64_CONSTANT (0x00010000bffaa000)
#define TCR_VALUE G_GUINT64_CONSTANT (0x00000032b5193519)

/* Register values differ per core so a wrong Hg shows. */
static guint64
core_reg_value (guint core,
                guint regnum)
{
  if (regnum == 32)   /* pc */
    return G_GUINT64_CONSTANT (0xffff800008001000) + core * 0x100;
  if (regnum == 31)   /* sp */
    return G_GUINT64_CONSTANT (0xffff000012340000) + core * 0x10000;
  if (regnum == 33)   /* cpsr */
    return 0x3c5 + core * 4;
  return G_GUINT64_CONSTANT (0x1111000000000000) * (core + 1) + regnum;
}

/* Guest physical memory: a pattern every address can be checked against. */
static guint8
mem_byte (guint64 addr)
{
  return (guint8) ((addr * 7) ^ (addr >> 8) ^ 0x5a);
}

/* ---- the fake stub ---------------------------------------------------------------------- */

typedef enum
{
  STALL_NONE,
  STALL_MIXED,    /* never ack qSupported: '+' every 2 s, console output and stop replies */
  STALL_STOPS,    /* the same with stop replies only */
} Stall;

typedef struct
{
  GSocket *listener;
  guint16 port;
  GThread *thread;
  char *core_xml;

  /* Script, set before the probe connects. */
  gboolean unsolicited_stop;    /* send T02thread:01; right after accept, like QEMU */
  gboolean phys_mem;            /* offer qqemu PhyMemMode */
  guint xfer_max;               /* largest qXfer slice the stub sends */
  char *nak_prefix;             /* answer '-' to packets starting with this... */
  guint nak_count;              /* ...this many times */
  char *close_prefix;           /* close the connection on a packet starting with this */
  char *close_after_prefix;     /* answer a packet starting with this, then close */
  guint64 error_from;           /* 'm' at or above this address answers E14 */
  gboolean refuse_detach;       /* answer every 'D' with E22 */
  const char *target;           /* target.xml, if not the usual one */
  char *sysregs;                /* system-registers.xml, if not the usual one */
  guint n_threads;              /* cores listed by qfThreadInfo */
  gboolean xfer_overlong;       /* qXfer slices one byte longer than asked */
  Stall stall;
  char *late_prefix;            /* ack and answer a packet starting with this late_ms late */
  guint late_ms;                /* (the first such packet only) */
  char *partial_prefix;         /* answer a packet starting with this with '$' and part of the */
  gboolean partial_close;       /* payload, then nothing (or close, if partial_close) */

  /* Record, under lock. */
  HsMutex lock;                 /* pthread's: ThreadSanitizer sees it (hs-sync.h) */
  GPtrArray *received;          /* payloads, INTERRUPT_MARK for 0x03 */
  guint n_bad_checksums;
  guint n_naks_received;
  char *failure;                /* why the stub thread stopped early, if it did */

  /* Stub thread state. */
  guint cur_core;
} FakeStub;

static void
stub_record (FakeStub   *stub,
             const char *what)
{
  hs_mutex_lock (&stub->lock);
  g_ptr_array_add (stub->received, g_strdup (what));
  hs_mutex_unlock (&stub->lock);
}

static void
stub_fail (FakeStub   *stub,
           const char *why)
{
  hs_mutex_lock (&stub->lock);
  if (stub->failure == NULL)
    stub->failure = g_strdup (why);
  hs_mutex_unlock (&stub->lock);
}

static gboolean
stub_send_raw (FakeStub   *stub,
               GSocket    *conn,
               const char *data,
               gsize       len)
{
  gsize done = 0;

  while (done < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (conn, data + done, len - done, NULL, &error);

      if (n <= 0)
        {
          stub_fail (stub, error ? error->message : "send failed");
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

/* "$payload#cs", escaping what the protocol reserves. */
static gboolean
stub_send_packet (FakeStub   *stub,
                  GSocket    *conn,
                  const char *payload)
{
  g_autoptr(GString) frame = g_string_new ("$");
  guint sum = 0;

  for (const char *p = payload; *p; p++)
    {
      if (*p == '$' || *p == '#' || *p == '}' || *p == '*')
        {
          g_string_append_c (frame, '}');
          g_string_append_c (frame, *p ^ 0x20);
          sum += '}' + (guint8) (*p ^ 0x20);
        }
      else
        {
          g_string_append_c (frame, *p);
          sum += (guint8) *p;
        }
    }
  g_string_append_printf (frame, "#%02x", sum & 0xff);
  return stub_send_raw (stub, conn, frame->str, frame->len);
}

/* The first @len bytes of "$payload#cs" (no escaping: the payloads it sends need none), sent
 * whether or not the probe still listens. */
static void
stub_send_framed (GSocket    *conn,
                  const char *payload,
                  gsize       len)
{
  g_autoptr(GString) frame = g_string_new ("$");
  guint sum = 0;

  for (const char *p = payload; *p; p++)
    sum += (guint8) *p;
  g_string_append_printf (frame, "%s#%02x", payload, sum & 0xff);
  g_socket_send (conn, frame->str, MIN (len, frame->len), NULL, NULL);
}

static void
append_le_hex (GString *out,
               guint64  value,
               guint    size)
{
  for (guint i = 0; i < size; i++)
    g_string_append_printf (out, "%02x", (guint) (value >> (8 * i)) & 0xff);
}

/* The reply to @payload, or NULL for none (a resume). */
static char *
stub_reply (FakeStub   *stub,
            const char *payload)
{
  if (g_str_has_prefix (payload, "qSupported"))
    return g_strdup ("PacketSize=1000;qXfer:features:read+;multiprocess+;swbreak+;hwbreak+");
  if (strcmp (payload, "?") == 0)
    return g_strdup ("T05thread:p01.01;");
  if (strcmp (payload, "qfThreadInfo") == 0)
    {
      GString *out = g_string_new ("m");

      for (guint i = 1; i <= stub->n_threads; i++)
        g_string_append_printf (out, "%sp01.%02x", i > 1 ? "," : "", i);
      return g_string_free (out, FALSE);
    }
  if (strcmp (payload, "qsThreadInfo") == 0)
    return g_strdup ("l");
  if (g_str_has_prefix (payload, "qXfer:features:read:"))
    {
      const char *annex = payload + strlen ("qXfer:features:read:");
      const char *colon = strchr (annex, ':');
      g_autofree char *name = NULL;
      const char *text = NULL;
      guint64 offset, length;
      char *end;
      gsize total;

      if (colon == NULL)
        return g_strdup ("E00");
      name = g_strndup (annex, colon - annex);
      offset = g_ascii_strtoull (colon + 1, &end, 16);
      if (*end != ',')
        return g_strdup ("E00");
      length = g_ascii_strtoull (end + 1, &end, 16);
      if (strcmp (name, "target.xml") == 0)
        text = stub->target ? stub->target : target_xml;
      else if (strcmp (name, "aarch64-core.xml") == 0)
        text = stub->core_xml;
      else if (strcmp (name, "system-registers.xml") == 0)
        text = stub->sysregs ? stub->sysregs : sysregs_xml;
      else
        return g_strdup ("E00");
      total = strlen (text);
      if (offset >= total)
        return g_strdup ("l");
      if (stub->xfer_overlong)
        {
          /* The text, then blanks (harmless after the root element) past what was asked. */
          GString *out = g_string_new ("m");

          g_string_append (out, text + offset);
          while (out->len < length + 2)
            g_string_append_c (out, ' ');
          return g_string_free (out, FALSE);
        }
      length = MIN (length, stub->xfer_max);
      if (offset + length >= total)
        return g_strdup_printf ("l%s", text + offset);
      return g_strdup_printf ("m%.*s", (int) length, text + offset);
    }
  if (g_str_has_prefix (payload, "Hg"))
    {
      /* Threads p1.1 and p1.2 are cores 0 and 1. */
      stub->cur_core = g_str_has_suffix (payload, ".2") ? 1 : 0;
      return g_strdup ("OK");
    }
  if (strcmp (payload, "g") == 0)
    {
      GString *out = g_string_new (NULL);

      for (guint r = 0; r < N_CORE_REGS; r++)
        append_le_hex (out, core_reg_value (stub->cur_core, r), r == 33 ? 4 : 8);
      return g_string_free (out, FALSE);
    }
  if (payload[0] == 'p')
    {
      guint64 regnum = g_ascii_strtoull (payload + 1, NULL, 16);
      GString *out = g_string_new (NULL);

      if (regnum == REGNUM_VTTBR)
        append_le_hex (out, VTTBR_VALUE + stub->cur_core, 8);
      else if (regnum == REGNUM_TCR)
        append_le_hex (out, TCR_VALUE, 8);
      else if (regnum < N_CORE_REGS)
        append_le_hex (out, core_reg_value (stub->cur_core, regnum), regnum == 33 ? 4 : 8);
      else
        g_string_assign (out, "E0e");
      return g_string_free (out, FALSE);
    }
  if (strcmp (payload, "qqemu.Supported") == 0)
    return g_strdup (stub->phys_mem ? "sstepbits;sstep;PhyMemMode" : "sstepbits;sstep");
  if (strcmp (payload, "Qqemu.PhyMemMode:1") == 0)
    return g_strdup ("OK");
  if (payload[0] == 'm')
    {
      char *end;
      guint64 addr = g_ascii_strtoull (payload + 1, &end, 16);
      guint64 len = *end == ',' ? g_ascii_strtoull (end + 1, NULL, 16) : 0;
      GString *out;

      if (len == 0 || len > 0x800)
        return g_strdup ("E22");
      if (addr + len > stub->error_from)
        return g_strdup ("E14");
      out = g_string_new (NULL);
      for (guint64 a = addr; a < addr + len; a++)
        g_string_append_printf (out, "%02x", mem_byte (a));
      return g_string_free (out, FALSE);
    }
  if (strcmp (payload, "vCont;c") == 0)
    return NULL;   /* running: the answer is the stop, later */
  if (g_str_has_prefix (payload, "vCont;s:"))
    return g_strdup_printf ("T05thread:%s;", payload + strlen ("vCont;s:"));
  /* QEMU with multiprocess+ wants the process: a bare 'D' is E22. */
  if (payload[0] == 'D')
    return g_strdup (!stub->refuse_detach && strcmp (payload, "D;1") == 0 ? "OK" : "E22");
  if (payload[0] == 'Z' || payload[0] == 'z' || payload[0] == 'P')
    return g_strdup ("OK");
  return g_strdup ("");
}

/* Everything but the ack and the reply, until the probe hangs up; FALSE: end the connection. */
static gboolean
stub_stall (FakeStub *stub,
            GSocket  *conn)
{
  gint64 start = g_get_monotonic_time ();
  gint64 last_ack = start;

  for (guint tick = 0; g_get_monotonic_time () - start < STUB_STALL_S * G_USEC_PER_SEC; tick++)
    {
      gboolean console = stub->stall == STALL_MIXED && tick % 2 == 0;
      const char *payload = console ? "O68656c6c6f0a" : "T05thread:p01.01;";
      g_autoptr(GString) frame = g_string_new ("$");
      guint sum = 0;

      if (g_get_monotonic_time () - last_ack >= 2 * G_USEC_PER_SEC)
        {
          g_string_prepend_c (frame, '+');
          last_ack = g_get_monotonic_time ();
        }
      for (const char *p = payload; *p; p++)
        sum += (guint8) *p;
      g_string_append_printf (frame, "%s#%02x", payload, sum & 0xff);
      /* Not stub_send_raw(): the probe hanging up is the expected end, not a failure. */
      if (g_socket_send (conn, frame->str, frame->len, NULL, NULL) != (gssize) frame->len)
        return FALSE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

/* Handles one received packet; FALSE ends the connection. */
static gboolean
stub_handle (FakeStub   *stub,
             GSocket    *conn,
             const char *payload)
{
  g_autofree char *reply = NULL;
  gboolean nak = FALSE;
  gboolean close_now;
  gboolean close_after;

  stub_record (stub, payload);
  hs_mutex_lock (&stub->lock);
  if (stub->nak_prefix && stub->nak_count > 0 && g_str_has_prefix (payload, stub->nak_prefix))
    {
      stub->nak_count--;
      nak = TRUE;
    }
  close_now = stub->close_prefix && g_str_has_prefix (payload, stub->close_prefix);
  close_after = stub->close_after_prefix && g_str_has_prefix (payload, stub->close_after_prefix);
  hs_mutex_unlock (&stub->lock);

  if (close_now)
    return FALSE;
  if (stub->stall != STALL_NONE && g_str_has_prefix (payload, "qSupported"))
    return stub_stall (stub, conn);
  if (nak)
    return stub_send_raw (stub, conn, "-", 1);
  if (stub->late_prefix && g_str_has_prefix (payload, stub->late_prefix))
    {
      g_clear_pointer (&stub->late_prefix, g_free);
      /* Busy, as QEMU is while the VM holds its lock: the ack comes late too. The probe may
       * have hung up by then: that is what the test wants, not a failure. */
      reply = stub_reply (stub, payload);
      g_usleep (stub->late_ms * 1000);
      g_socket_send (conn, "+", 1, NULL, NULL);
      stub_send_framed (conn, reply, G_MAXSIZE);
      return TRUE;
    }
  if (!stub_send_raw (stub, conn, "+", 1))
    return FALSE;
  reply = stub_reply (stub, payload);
  if (reply == NULL)
    return TRUE;
  if (stub->partial_prefix && g_str_has_prefix (payload, stub->partial_prefix))
    {
      g_clear_pointer (&stub->partial_prefix, g_free);
      stub_send_framed (conn, reply, MAX (strlen (reply) / 2, 1) + 1);
      return !stub->partial_close;
    }
  return stub_send_packet (stub, conn, reply) && !close_after;
}

enum { IDLE, DATA, ESCAPE, CSUM1, CSUM2 };

static gpointer
stub_thread (gpointer data)
{
  FakeStub *stub = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) conn = g_socket_accept (stub->listener, NULL, &error);
  g_autoptr(GString) payload = g_string_new (NULL);
  int state = IDLE;
  guint sum = 0;
  char csum[3] = { 0 };

  if (conn == NULL)
    {
      stub_fail (stub, error->message);
      return NULL;
    }
  g_socket_set_timeout (conn, STUB_IO_TIMEOUT_S);
  /* Without this, Nagle holds each reply until the '+' before it is acked: 40 ms a packet. */
  g_socket_set_option (conn, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  /* QEMU stops a running VM when a debugger connects and says so before anything else. */
  if (stub->unsolicited_stop && !stub_send_packet (stub, conn, "T02thread:01;"))
    return NULL;

  for (;;)
    {
      char buf[4096];
      gssize n = g_socket_receive (conn, buf, sizeof buf, NULL, &error);

      if (n == 0)
        break;   /* the probe closed the connection */
      if (n < 0)
        {
          stub_fail (stub, error->message);
          break;
        }
      for (gssize i = 0; i < n; i++)
        {
          char c = buf[i];

          switch (state)
            {
            case IDLE:
              if (c == '$')
                {
                  g_string_truncate (payload, 0);
                  sum = 0;
                  state = DATA;
                }
              else if (c == '\x03')
                {
                  stub_record (stub, INTERRUPT_MARK);
                  if (!stub_send_packet (stub, conn, "T02thread:p01.02;"))
                    goto out;
                }
              else if (c == '-')
                {
                  hs_mutex_lock (&stub->lock);
                  stub->n_naks_received++;
                  hs_mutex_unlock (&stub->lock);
                }
              /* '+' acks our replies; anything else is noise. */
              break;
            case DATA:
              if (c == '#')
                state = CSUM1;
              else
                {
                  sum += (guint8) c;
                  if (c == '}')
                    state = ESCAPE;
                  else
                    g_string_append_c (payload, c);
                }
              break;
            case ESCAPE:
              sum += (guint8) c;
              g_string_append_c (payload, c ^ 0x20);
              state = DATA;
              break;
            case CSUM1:
              csum[0] = c;
              state = CSUM2;
              break;
            case CSUM2:
              csum[1] = c;
              state = IDLE;
              if (g_ascii_strtoull (csum, NULL, 16) != (sum & 0xff))
                {
                  hs_mutex_lock (&stub->lock);
                  stub->n_bad_checksums++;
                  hs_mutex_unlock (&stub->lock);
                  if (!stub_send_raw (stub, conn, "-", 1))
                    goto out;
                  break;
                }
              if (!stub_handle (stub, conn, payload->str))
                goto out;
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
out:
  g_socket_close (conn, NULL);
  return NULL;
}

static FakeStub *
fake_stub_new (void)
{
  FakeStub *stub = g_new0 (FakeStub, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  hs_mutex_init (&stub->lock);
  stub->received = g_ptr_array_new_with_free_func (g_free);
  stub->core_xml = make_core_xml ();
  stub->phys_mem = TRUE;
  stub->xfer_max = 200;   /* smaller than the probe asks for: it must fetch in pieces */
  stub->error_from = G_MAXUINT64;
  stub->n_threads = 2;

  stub->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (stub->listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (stub->listener, &error);
  g_assert_no_error (error);
  /* accept() gives up too, should the probe never come. */
  g_socket_set_timeout (stub->listener, STUB_IO_TIMEOUT_S);
  bound = g_socket_get_local_address (stub->listener, &error);
  g_assert_no_error (error);
  stub->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_cmpuint (stub->port, >, 0);
  return stub;
}

static void
fake_stub_start (FakeStub *stub)
{
  stub->thread = g_thread_new ("fake-gdbstub", stub_thread, stub);
}

/* Waits for the stub thread (it ends when the probe closes the connection). */
static void
fake_stub_free (FakeStub *stub)
{
  if (stub->thread)
    g_thread_join (stub->thread);
  g_socket_close (stub->listener, NULL);
  g_object_unref (stub->listener);
  if (stub->failure)
    g_test_message ("fake stub: %s", stub->failure);
  g_ptr_array_unref (stub->received);
  g_free (stub->core_xml);
  g_free (stub->sysregs);
  g_free (stub->nak_prefix);
  g_free (stub->close_prefix);
  g_free (stub->close_after_prefix);
  g_free (stub->late_prefix);
  g_free (stub->partial_prefix);
  g_free (stub->failure);
  hs_mutex_clear (&stub->lock);
  g_free (stub);
}

/* How many packets equal to @payload (or starting with it, if @prefix) the stub received. */
static guint
stub_count (FakeStub   *stub,
            const char *payload,
            gboolean    prefix)
{
  guint n = 0;

  hs_mutex_lock (&stub->lock);
  for (guint i = 0; i < stub->received->len; i++)
    {
      const char *p = g_ptr_array_index (stub->received, i);

      if (prefix ? g_str_has_prefix (p, payload) : strcmp (p, payload) == 0)
        n++;
    }
  hs_mutex_unlock (&stub->lock);
  return n;
}

static guint
stub_n_received (FakeStub *stub)
{
  guint n;

  hs_mutex_lock (&stub->lock);
  n = stub->received->len;
  hs_mutex_unlock (&stub->lock);
  return n;
}

/* The packets received from index @from on, joined with spaces. */
static char *
stub_received_since (FakeStub *stub,
                     guint     from)
{
  GString *s = g_string_new (NULL);

  hs_mutex_lock (&stub->lock);
  for (guint i = from; i < stub->received->len; i++)
    g_string_append_printf (s, "%s%s", i > from ? " " : "",
                            (const char *) g_ptr_array_index (stub->received, i));
  hs_mutex_unlock (&stub->lock);
  return g_string_free (s, FALSE);
}

/* ---- helpers ---------------------------------------------------------------------------- */

typedef struct
{
  FakeStub *stub;
  HsProbeGdb *gdb;
  HsProbe *probe;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->stub = fake_stub_new ();
  f->gdb = hs_probe_gdb_new ("127.0.0.1", f->stub->port);
  f->probe = HS_PROBE (f->gdb);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hs_probe_disconnect (f->probe);
  g_assert_false (hs_probe_is_connected (f->probe));
  fake_stub_free (f->stub);
  g_clear_object (&f->gdb);
}

static void
connect_ok (Fixture  *f,
            gboolean *was_running)
{
  g_autoptr(GError) error = NULL;
  gboolean running = 42;

  fake_stub_start (f->stub);
  g_assert_true (hs_probe_connect (f->probe, &running, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hs_probe_is_connected (f->probe));
  g_assert_true (running == TRUE || running == FALSE);
  if (was_running)
    *was_running = running;
}

static guint
register_index (HsProbe    *probe,
                const char *name)
{
  GPtrArray *regs = hs_probe_get_registers (probe);

  for (guint i = 0; i < regs->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (regs, i);

      if (strcmp (info->name, name) == 0)
        return i;
    }
  g_error ("the probe has no register %s", name);
  return G_MAXUINT;
}

static guint64
read_register (Fixture    *f,
               guint       core,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  guint index = register_index (f->probe, name);
  guint64 value = 0;
  gboolean valid = FALSE;

  g_assert_true (hs_probe_read_registers (f->probe, core, &index, 1, &value, &valid, &error));
  g_assert_no_error (error);
  g_assert_true (valid);
  return value;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_connect_unsolicited_stop (Fixture       *f,
                               gconstpointer  data)
{
  gboolean was_running = FALSE;

  f->stub->unsolicited_stop = TRUE;
  connect_ok (f, &was_running);
  g_assert_true (was_running);
}

static void
test_connect_halted (Fixture       *f,
                     gconstpointer  data)
{
  gboolean was_running = TRUE;
  g_autofree char *describe = NULL;

  connect_ok (f, &was_running);
  g_assert_false (was_running);

  /* The handshake, in order: features, halt reason, threads, description, registers, QEMU. */
  g_assert_cmpuint (stub_count (f->stub, "qSupported:", TRUE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "?", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "qfThreadInfo", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "qsThreadInfo", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "qXfer:features:read:target.xml:", TRUE), >=, 1);
  /* The core file is longer than the stub's 200-byte slices: it took several requests. */
  g_assert_cmpuint (stub_count (f->stub, "qXfer:features:read:aarch64-core.xml:", TRUE), >, 1);
  g_assert_cmpuint (stub_count (f->stub, "qXfer:features:read:system-registers.xml:", TRUE), >=,
                    1);
  g_assert_cmpuint (stub_count (f->stub, "qqemu.Supported", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "Qqemu.PhyMemMode:1", FALSE), ==, 1);
  g_assert_cmpuint (f->stub->n_bad_checksums, ==, 0);

  g_assert_cmpuint (hs_probe_get_n_cores (f->probe), ==, 2);
  describe = hs_probe_describe (f->probe);
  g_assert_true (strstr (describe, "127.0.0.1") != NULL);
  g_assert_cmpstr (hs_probe_gdb_get_host (f->gdb), ==, "127.0.0.1");
  g_assert_cmpuint (hs_probe_gdb_get_port (f->gdb), ==, f->stub->port);
  g_assert_cmpuint (hs_probe_gdb_get_n_packets (f->gdb), >=, 10);

  /* A second connect while connected is refused. */
  {
    g_autoptr(GError) error = NULL;
    gboolean running;

    g_assert_false (hs_probe_connect (f->probe, &running, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_assert_true (hs_probe_is_connected (f->probe));
  }
}

static void
test_register_list (Fixture       *f,
                    gconstpointer  data)
{
  GPtrArray *regs;
  const HsRegisterInfo *info;

  connect_ok (f, NULL);
  regs = hs_probe_get_registers (f->probe);
  g_assert_nonnull (regs);
  g_assert_cmpuint (regs->len, ==, N_CORE_REGS + 2);

  for (guint i = 0; i < regs->len; i++)
    {
      info = g_ptr_array_index (regs, i);
      g_assert_cmpuint (info->index, ==, i);
    }
  info = g_ptr_array_index (regs, 0);
  g_assert_cmpstr (info->name, ==, "x0");
  g_assert_cmpuint (info->regnum, ==, 0);
  g_assert_cmpuint (info->bitsize, ==, 64);
  g_assert_cmpint (info->klass, ==, HS_REGISTER_CLASS_CORE);
  info = g_ptr_array_index (regs, 32);
  g_assert_cmpstr (info->name, ==, "pc");
  g_assert_cmpuint (info->regnum, ==, 32);
  info = g_ptr_array_index (regs, 33);
  g_assert_cmpstr (info->name, ==, "cpsr");
  g_assert_cmpuint (info->bitsize, ==, 32);
  g_assert_cmpint (info->klass, ==, HS_REGISTER_CLASS_CORE);
  info = g_ptr_array_index (regs, 34);
  g_assert_cmpstr (info->name, ==, "VTTBR_EL2");
  g_assert_cmpuint (info->regnum, ==, REGNUM_VTTBR);
  g_assert_cmpint (info->klass, ==, HS_REGISTER_CLASS_SYSTEM);
  info = g_ptr_array_index (regs, 35);
  g_assert_cmpstr (info->name, ==, "TCR_EL1");
  g_assert_cmpuint (info->regnum, ==, REGNUM_TCR);
  g_assert_cmpint (info->klass, ==, HS_REGISTER_CLASS_SYSTEM);
}

static void
test_read_registers (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint indexes[5];
  guint64 values[5] = { 0 };
  gboolean valid[5] = { 0 };

  connect_ok (f, NULL);

  /* From the 'g' reply, and by 'p' with the regnum from target.xml. */
  indexes[0] = register_index (f->probe, "pc");
  indexes[1] = register_index (f->probe, "cpsr");
  indexes[2] = register_index (f->probe, "x30");
  indexes[3] = register_index (f->probe, "VTTBR_EL2");
  indexes[4] = register_index (f->probe, "TCR_EL1");
  g_assert_true (hs_probe_read_registers (f->probe, 0, indexes, 5, values, valid, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    g_assert_true (valid[i]);
  g_assert_cmpuint (values[0], ==, core_reg_value (0, 32));
  g_assert_cmpuint (values[1], ==, core_reg_value (0, 33));
  g_assert_cmpuint (values[2], ==, core_reg_value (0, 30));
  g_assert_cmpuint (values[3], ==, VTTBR_VALUE);
  g_assert_cmpuint (values[4], ==, TCR_VALUE);
  /* 'p' in hex: regnum 69 is p45, 68 is p44. */
  g_assert_cmpuint (stub_count (f->stub, "p45", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "p44", FALSE), ==, 1);

  /* Core 1: selected with Hg, its own values. */
  g_assert_cmpuint (read_register (f, 1, "pc"), ==, core_reg_value (1, 32));
  g_assert_cmpuint (read_register (f, 1, "sp"), ==, core_reg_value (1, 31));
  g_assert_cmpuint (read_register (f, 1, "VTTBR_EL2"), ==, VTTBR_VALUE + 1);
  g_assert_cmpuint (stub_count (f->stub, "Hgp1.2", FALSE), ==, 1);

  /* Out of range. */
  {
    guint bad = 1000;
    guint64 v;
    gboolean ok;

    g_assert_false (hs_probe_read_registers (f->probe, 0, &bad, 1, &v, &ok, &error));
    g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_REGISTER);
    g_clear_error (&error);
    g_assert_false (hs_probe_read_registers (f->probe, 2, indexes, 1, &v, &ok, &error));
    g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_CORE);
  }
}

static void
test_register_cache (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  HsStopEvent stop;
  guint g_after_connect;

  connect_ok (f, NULL);
  g_after_connect = stub_count (f->stub, "g", FALSE);

  /* One 'g' serves every core register, one 'p' each system register, until the next halt. */
  g_assert_cmpuint (read_register (f, 0, "VTTBR_EL2"), ==, VTTBR_VALUE);
  g_assert_cmpuint (read_register (f, 0, "VTTBR_EL2"), ==, VTTBR_VALUE);
  g_assert_cmpuint (stub_count (f->stub, "p45", FALSE), ==, 1);
  g_assert_cmpuint (read_register (f, 0, "pc"), ==, core_reg_value (0, 32));
  g_assert_cmpuint (read_register (f, 0, "x5"), ==, core_reg_value (0, 5));
  g_assert_cmpuint (read_register (f, 0, "pc"), ==, core_reg_value (0, 32));
  g_assert_cmpuint (stub_count (f->stub, "g", FALSE), ==, g_after_connect + 1);

  /* A resume and a halt invalidate the cache. */
  g_assert_true (hs_probe_resume (f->probe, &error));
  g_assert_no_error (error);
  g_assert_true (hs_probe_interrupt (f->probe, &error));
  g_assert_no_error (error);
  g_assert_true (hs_probe_wait_stop (f->probe, 5000, &stop, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read_register (f, 0, "VTTBR_EL2"), ==, VTTBR_VALUE);
  g_assert_cmpuint (stub_count (f->stub, "p45", FALSE), ==, 2);
  g_assert_cmpuint (read_register (f, 0, "pc"), ==, core_reg_value (0, 32));
  g_assert_cmpuint (stub_count (f->stub, "g", FALSE), ==, g_after_connect + 2);
}

static void
test_read_memory_chunks (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[0x20];
  guint before;
  g_autofree char *sent = NULL;

  connect_ok (f, NULL);
  before = stub_n_received (f->stub);

  /* 0x7f0..0x80f straddles the 0x800 boundary: two aligned reads of 0x800. */
  g_assert_true (hs_probe_read_memory (f->probe, 0x7f0, buf, sizeof buf, &error));
  g_assert_no_error (error);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m0,800 m800,800");
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (0x7f0 + i));

  /* Inside what is cached: no new request. */
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, 0x7fc, buf, 8, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_n_received (f->stub), ==, before);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (0x7fc + i));

  /* High addresses are formatted in full. */
  g_clear_pointer (&sent, g_free);
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, G_GUINT64_CONSTANT (0x4000001234), buf, 4,
                                       &error));
  g_assert_no_error (error);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m4000001200,100");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (G_GUINT64_CONSTANT (0x4000001234) + i));

  /* A range that wraps around the address space is refused before any I/O. */
  before = stub_n_received (f->stub);
  g_assert_false (hs_probe_read_memory (f->probe, G_GUINT64_CONSTANT (0xfffffffffffffff0), buf,
                                        sizeof buf, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (stub_n_received (f->stub), ==, before);
}

static void
test_read_memory_error (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[16];

  f->stub->error_from = 0x40000000;
  connect_ok (f, NULL);

  g_assert_false (hs_probe_read_memory (f->probe, 0x40000000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_STUB);
  g_assert_true (strstr (error->message, "0x40000000") != NULL);
  g_assert_true (strstr (error->message, "E14") != NULL);
  g_clear_error (&error);

  /* The probe stays usable: memory below still reads. */
  g_assert_true (hs_probe_is_connected (f->probe));
  g_assert_true (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (buf[3], ==, mem_byte (0x1003));
}

/* Many pieces at once: small ones asked for as they are, big ones as whole chunks, all
 * on the wire together; a refused piece fails alone and the stream stays in step. */
static void
test_read_memory_vectored (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 small[0x10], refused[0x10], big[0x1800], cached[8], after[4];
  HsProbeRead reads[] = {
    { 0x100, small, sizeof small, FALSE },
    { 0x40000010, refused, sizeof refused, FALSE },
    { 0x2000, big, sizeof big, FALSE },
    { 0x5000, NULL, 0, FALSE },
  };
  HsProbeRead again[] = {
    { 0x2400, cached, sizeof cached, FALSE },
  };
  g_autofree char *sent = NULL;
  guint before;

  f->stub->error_from = 0x40000000;
  connect_ok (f, NULL);
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory_v (f->probe, reads, G_N_ELEMENTS (reads), &error));
  g_assert_no_error (error);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m100,10 m40000010,10 m2000,800 m2800,800 m3000,800");
  g_assert_true (reads[0].ok);
  g_assert_false (reads[1].ok);
  g_assert_true (reads[2].ok);
  g_assert_true (reads[3].ok);
  for (guint i = 0; i < sizeof small; i++)
    g_assert_cmpuint (small[i], ==, mem_byte (0x100 + i));
  for (guint i = 0; i < sizeof big; i++)
    g_assert_cmpuint (big[i], ==, mem_byte (0x2000 + i));

  /* The big piece's chunks are cached for the halt. */
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory_v (f->probe, again, G_N_ELEMENTS (again), &error));
  g_assert_no_error (error);
  g_assert_true (again[0].ok);
  g_assert_cmpuint (stub_n_received (f->stub), ==, before);
  for (guint i = 0; i < sizeof cached; i++)
    g_assert_cmpuint (cached[i], ==, mem_byte (0x2400 + i));

  /* Replies and requests still pair up: a plain read after it gets its own bytes. */
  g_assert_true (hs_probe_read_memory (f->probe, 0x9000, after, sizeof after, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < sizeof after; i++)
    g_assert_cmpuint (after[i], ==, mem_byte (0x9000 + i));
  g_assert_true (hs_probe_is_connected (f->probe));
}

/* Small reads fetch lines; the lines a halt used are fetched at once, first thing, at the next
 * halt, and a line no halt uses any more stops being fetched. */
static void
test_read_lines_ahead (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = NULL;
  HsStopEvent stop;
  guint8 buf[8];
  guint before;

  connect_ok (f, NULL);
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, 0x1010, buf, 8, &error));
  g_assert_true (hs_probe_read_memory (f->probe, 0x5020, buf, 8, &error));
  g_assert_true (hs_probe_read_memory (f->probe, 0x1018, buf, 8, &error));
  g_assert_no_error (error);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m1000,100 m5000,100");

  g_assert_true (hs_probe_step (f->probe, 0, &error));
  g_assert_true (hs_probe_wait_stop (f->probe, 5000, &stop, NULL, &error));
  g_assert_no_error (error);
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, 0x5028, buf, 8, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (0x5028 + i));
  g_clear_pointer (&sent, g_free);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m1000,100 m5000,100");

  /* Only 0x5000 was used this time: the next halt guesses just that one. */
  g_assert_true (hs_probe_step (f->probe, 0, &error));
  g_assert_true (hs_probe_wait_stop (f->probe, 5000, &stop, NULL, &error));
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, 0x9000, buf, 8, &error));
  g_assert_no_error (error);
  g_clear_pointer (&sent, g_free);
  sent = stub_received_since (f->stub, before);
  g_assert_cmpstr (sent, ==, "m5000,100 m9000,100");
}

/* A big read asks for all its chunks at once. */
static void
test_read_memory_big (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = g_malloc (0x10000);
  guint before;

  connect_ok (f, NULL);
  before = stub_n_received (f->stub);
  g_assert_true (hs_probe_read_memory (f->probe, 0x10400, buf, 0x10000, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_n_received (f->stub) - before, ==, 0x10000 / 0x800 + 1);
  for (guint i = 0; i < 0x10000; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (0x10400 + i));
}

static void
test_no_phys_mode (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[4];

  f->stub->phys_mem = FALSE;
  connect_ok (f, NULL);
  g_assert_cmpuint (stub_count (f->stub, "Qqemu.PhyMemMode:1", FALSE), ==, 0);
  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_true (strstr (error->message, "PhyMemMode") != NULL);
}

static void
test_nak_retransmit (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[8];

  f->stub->nak_prefix = g_strdup ("m1000,");
  f->stub->nak_count = 1;
  connect_ok (f, NULL);

  g_assert_true (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_no_error (error);
  /* Sent, refused with '-', sent again. */
  g_assert_cmpuint (stub_count (f->stub, "m1000,100", FALSE), ==, 2);
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmpuint (buf[i], ==, mem_byte (0x1000 + i));
}

static void
test_nak_forever (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[8];
  guint sent;

  f->stub->nak_prefix = g_strdup ("m2000,");
  f->stub->nak_count = 1000;
  connect_ok (f, NULL);

  /* A stub that never accepts the packet: a bounded number of tries, then an error. */
  g_assert_false (hs_probe_read_memory (f->probe, 0x2000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL);
  sent = stub_count (f->stub, "m2000,100", FALSE);
  g_assert_cmpuint (sent, >=, 2);
  g_assert_cmpuint (sent, <=, 10);
}

static void
test_interrupt (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  HsStopEvent stop = { 0 };
  guint8 buf[4];

  connect_ok (f, NULL);
  g_assert_true (hs_probe_resume (f->probe, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_count (f->stub, "vCont;c", FALSE), ==, 1);

  /* While running, reads are refused without touching the wire. */
  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_RUNNING);
  g_clear_error (&error);

  g_assert_true (hs_probe_interrupt (f->probe, &error));
  g_assert_no_error (error);
  g_assert_true (hs_probe_wait_stop (f->probe, 5000, &stop, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_count (f->stub, INTERRUPT_MARK, FALSE), ==, 1);
  /* T02thread:p01.02; is the second thread: core 1, stopped because we asked. */
  g_assert_cmpuint (stop.core, ==, 1);
  g_assert_cmpint (stop.reason, ==, HS_STOP_REASON_HALT_REQUEST);
  g_assert_cmpuint (stop.signal, ==, 2);

  /* Halted again: reads work. */
  g_assert_true (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_no_error (error);

  /* Waiting for a stop while halted is an error, not a hang. */
  g_assert_false (hs_probe_wait_stop (f->probe, 100, &stop, NULL, &error));
  g_assert_nonnull (error);
}

typedef struct
{
  HsProbe *probe;
  gboolean returned;
  GError *error;
} Waiter;

static gpointer
wait_in_thread (gpointer data)
{
  Waiter *w = data;
  HsStopEvent stop = { 0 };

  hs_probe_wait_stop (w->probe, 10000, &stop, NULL, &w->error);
  g_atomic_int_set (&w->returned, TRUE);
  return NULL;
}

/* Disconnecting while another thread waits for the target to stop wakes the waiter with an
 * error at once, and does not free the socket under its read (ASan saw that). */
static void
test_disconnect_while_waiting (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Waiter w = { 0 };
  GThread *thread;
  gint64 deadline;

  connect_ok (f, NULL);
  g_assert_true (hs_probe_resume (f->probe, &error));
  g_assert_no_error (error);
  w.probe = f->probe;
  thread = g_thread_new ("waiter", wait_in_thread, &w);
  g_usleep (100 * 1000);
  hs_probe_disconnect (f->probe);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (!g_atomic_int_get (&w.returned) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_true (g_atomic_int_get (&w.returned));
  g_thread_join (thread);
  g_assert_nonnull (w.error);
  g_test_message ("the waiter: %s", w.error->message);
  g_clear_error (&w.error);
  g_assert_false (hs_probe_is_connected (f->probe));
}

static void
test_step (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  HsStopEvent stop = { 0 };

  connect_ok (f, NULL);
  g_assert_true (hs_probe_step (f->probe, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_count (f->stub, "vCont;s:p1.2", FALSE), ==, 1);
  g_assert_true (hs_probe_wait_stop (f->probe, 5000, &stop, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stop.core, ==, 1);
  g_assert_cmpint (stop.reason, ==, HS_STOP_REASON_STEP);
}

static void
test_connection_lost (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[4];

  f->stub->close_prefix = g_strdup ("m3000,");
  connect_ok (f, NULL);

  g_assert_false (hs_probe_read_memory (f->probe, 0x3000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_true (strstr (error->message, "127.0.0.1") != NULL);
  g_assert_false (hs_probe_is_connected (f->probe));
  g_clear_error (&error);

  /* Afterwards every request fails at once. */
  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  {
    guint index = 0;
    guint64 v;
    gboolean valid;

    g_assert_false (hs_probe_read_registers (f->probe, 0, &index, 1, &v, &valid, &error));
    g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED);
  }
}

/* The stub goes away between two requests (QEMU quit): the next one finds out. */
static void
test_connection_closed_between (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[4];

  f->stub->close_after_prefix = g_strdup ("p45");
  connect_ok (f, NULL);

  g_assert_cmpuint (read_register (f, 0, "VTTBR_EL2"), ==, VTTBR_VALUE);
  /* Wait until the stub thread has closed its end. */
  g_thread_join (f->stub->thread);
  f->stub->thread = NULL;

  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_false (hs_probe_is_connected (f->probe));
}

/* Leaving takes out our breakpoints and lets the target run, in QEMU's dialect. */
static void
test_detach (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  HsDetachOutcome outcome = 42;

  connect_ok (f, NULL);
  g_assert_true (hs_probe_insert_breakpoint (f->probe, HS_BREAKPOINT_SOFTWARE, 0x40001000,
                                             &error));
  g_assert_no_error (error);
  g_assert_true (hs_probe_detach (f->probe, &outcome, &note, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, HS_DETACH_RELEASED);
  g_assert_null (note);
  g_assert_false (hs_probe_is_connected (f->probe));
  g_assert_cmpuint (stub_count (f->stub, "z0,40001000,4", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "D;1", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "D", FALSE), ==, 0);
  g_assert_cmpuint (stub_count (f->stub, "vCont;c", FALSE), ==, 0);
}

/* A stub that will not detach gets an explicit resume: the target never stays stopped. */
static void
test_detach_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  HsDetachOutcome outcome = 42;

  f->stub->refuse_detach = TRUE;
  connect_ok (f, NULL);
  g_assert_true (hs_probe_detach (f->probe, &outcome, &note, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, HS_DETACH_RESUMED);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "E22"));
  g_assert_false (hs_probe_is_connected (f->probe));
  g_assert_cmpuint (stub_count (f->stub, "vCont;c", FALSE), ==, 1);
}

/* Detaching from a lost connection says so rather than claiming the target runs. */
static void
test_detach_lost (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  HsDetachOutcome outcome;

  f->stub->close_prefix = g_strdup ("D");
  connect_ok (f, NULL);
  g_assert_false (hs_probe_detach (f->probe, &outcome, &note, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_false (hs_probe_is_connected (f->probe));
}

/* ---- hostile stubs ---------------------------------------------------------------------- */

static void
connect_fails (Fixture       *f,
               GCancellable  *cancellable,
               GError       **error)
{
  gboolean running;

  fake_stub_start (f->stub);
  g_assert_false (hs_probe_connect (f->probe, &running, cancellable, error));
  g_assert_nonnull (*error);
  g_assert_false (hs_probe_is_connected (f->probe));
}

/* system-registers.xml with @n more 64-bit registers (from regnum 70), and @extra. */
static char *
make_sysregs (guint       n,
              const char *extra)
{
  GString *s = g_string_new ("<feature name=\"org.qemu.gdb.arm64.sys.regs\">"
                             "<reg name=\"VTTBR_EL2\" bitsize=\"64\" regnum=\"69\"/>"
                             "<reg name=\"TCR_EL1\" bitsize=\"64\" regnum=\"68\"/>");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "<reg name=\"S%u\" bitsize=\"64\" regnum=\"%u\"/>", i, 70 + i);
  g_string_append_printf (s, "%s</feature>", extra ? extra : "");
  return g_string_free (s, FALSE);
}

/* Acks spaced 2 s apart, console output and stop replies in between, and never the reply: one
 * deadline covers the request, so connect times out after it, not never. */
static void
test_stall_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 ms;

  f->stub->stall = STALL_MIXED;
  connect_fails (f, NULL, &error);
  ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (ms, >=, PROBE_REPLY_TIMEOUT_MS - 100);
  g_assert_cmpint (ms, <, PROBE_REPLY_TIMEOUT_MS + 2500);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* The handshake honours connect's cancellable, however busy the stub keeps the wire. */
static void
test_connect_cancel (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GThread *canceller;
  gint64 start = g_get_monotonic_time ();

  f->stub->stall = STALL_STOPS;
  canceller = g_thread_new ("cancel-later", cancel_later, cancellable);
  connect_fails (f, cancellable, &error);
  g_thread_join (canceller);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 1500);
}

/* A reply that comes after its request gave up must never be taken for the next request's:
 * the probe closes the connection at the timeout, and says so. */
static void
test_late_reply (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) next_error = NULL;
  g_autofree char *expected = NULL;
  guint8 buf[8], next[8];
  gboolean next_ok;
  gint64 start, ms;

  f->stub->late_prefix = g_strdup ("m1000,");
  f->stub->late_ms = 2 * SHORT_REPLY_TIMEOUT_MS;
  _hs_gdb_set_timeouts (f->gdb, SHORT_REPLY_TIMEOUT_MS, 0);
  connect_ok (f, NULL);

  start = g_get_monotonic_time ();
  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  ms = (g_get_monotonic_time () - start) / 1000;
  /* The late reply (a line of 0x1000's bytes, as long as 0x2000's) is on the wire by now. */
  g_usleep (2 * SHORT_REPLY_TIMEOUT_MS * 1000);
  next_ok = hs_probe_read_memory (f->probe, 0x2000, next, sizeof next, &next_error);
  for (guint i = 0; next_ok && i < sizeof next; i++)
    g_assert_cmpuint (next[i], ==, mem_byte (0x2000 + i));

  expected = g_strdup_printf ("the gdbstub at 127.0.0.1:%u did not answer within %u ms; "
                              "the connection is closed", f->stub->port, SHORT_REPLY_TIMEOUT_MS);
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (ms, >=, SHORT_REPLY_TIMEOUT_MS - 50);
  g_assert_cmpint (ms, <, SHORT_REPLY_TIMEOUT_MS + 2000);
  g_assert_false (next_ok);
  g_assert_error (next_error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED);
  g_assert_false (hs_probe_is_connected (f->probe));
  g_assert_cmpuint (stub_count (f->stub, "m2000,", TRUE), ==, 0);
}

/* A stub that stops in the middle of a reply: a timeout at the request's deadline, not a hang,
 * and the connection closed. @data: the request the stub breaks off ("m...": a plain read;
 * "p45": the second of a pipeline, Hg and p, that reads core 1's VTTBR_EL2). */
static void
test_partial_reply_stall (Fixture       *f,
                          gconstpointer  data)
{
  const char *request = data;
  g_autoptr(GError) error = NULL;
  gint64 start, ms;
  guint8 buf[8];

  f->stub->partial_prefix = g_strdup (request);
  _hs_gdb_set_timeouts (f->gdb, SHORT_REPLY_TIMEOUT_MS, 0);
  connect_ok (f, NULL);

  start = g_get_monotonic_time ();
  if (request[0] == 'm')
    g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  else
    {
      guint index = register_index (f->probe, "VTTBR_EL2");
      guint64 value;
      gboolean valid;

      g_assert_false (hs_probe_read_registers (f->probe, 1, &index, 1, &value, &valid, &error));
    }
  ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "did not answer within"));
  g_assert_nonnull (strstr (error->message, "in the middle of a reply"));
  g_assert_nonnull (strstr (error->message, "the connection is closed"));
  g_assert_cmpint (ms, >=, SHORT_REPLY_TIMEOUT_MS - 50);
  g_assert_cmpint (ms, <, SHORT_REPLY_TIMEOUT_MS + 2000);
  g_assert_false (hs_probe_is_connected (f->probe));
}

/* The same during connect: the handshake's timeout, which connect reports as one. */
static void
test_partial_reply_connect (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  f->stub->partial_prefix = g_strdup ("qfThreadInfo");
  _hs_gdb_set_timeouts (f->gdb, SHORT_REPLY_TIMEOUT_MS, 0);
  connect_fails (f, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "in the middle of a reply"));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, SHORT_REPLY_TIMEOUT_MS + 2000);
}

/* A stub that hangs up in the middle of a reply: the connection is lost, and the error says
 * where it broke. */
static void
test_partial_reply_close (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[8];

  f->stub->partial_prefix = g_strdup ("m1000,");
  f->stub->partial_close = TRUE;
  connect_ok (f, NULL);

  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "closed the connection in the middle of a reply"));
  g_assert_false (hs_probe_is_connected (f->probe));
  g_clear_error (&error);
  g_assert_false (hs_probe_read_memory (f->probe, 0x1000, buf, sizeof buf, &error));
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED);
}

/* More cores than any real target: refused before a register cache is allocated for them. */
static void
test_too_many_cores (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->stub->n_threads = 513;
  connect_fails (f, NULL, &error);
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "more than 512 cores"));
  g_assert_cmpuint (stub_count (f->stub, "qXfer:", TRUE), ==, 0);
}

/* Cores and registers each within bounds, their product not: refused, naming the limit. */
static void
test_too_many_register_values (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->stub->n_threads = 512;
  f->stub->sysregs = make_sysregs (2100, NULL);
  connect_fails (f, NULL, &error);
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "512 cores of 2136 registers"));
  g_assert_nonnull (strstr (error->message, "1048576"));
  g_assert_cmpuint (stub_count (f->stub, "g", FALSE), ==, 0);
}

/* A qXfer reply longer than the length asked for is a protocol error, not more text. */
static void
test_xfer_overlong (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->stub->xfer_overlong = TRUE;
  connect_fails (f, NULL, &error);
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "target.xml"));
}

/* An include's href cannot change the qXfer request it goes into. */
static void
test_include_href (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->stub->target = "<target><xi:include href=\"system-registers.xml:0,10\"/></target>";
  connect_fails (f, NULL, &error);
  g_assert_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "system-registers.xml:0,10"));
  g_assert_cmpuint (stub_count (f->stub, "qXfer:features:read:system-registers.xml", TRUE), ==,
                    0);
}

/* 'P' carries the register's full size: QEMU takes 16 bytes for a V register. */
static void
test_write_vector_register (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint index;

  f->stub->sysregs = make_sysregs (0, "<reg name=\"V0\" bitsize=\"128\" regnum=\"70\"/>");
  connect_ok (f, NULL);
  index = register_index (f->probe, "V0");
  g_assert_true (hs_probe_write_register (f->probe, 0, index, 0x1234, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stub_count (f->stub, "P46=34120000000000000000000000000000", FALSE), ==, 1);
  g_assert_cmpuint (stub_count (f->stub, "P46=", TRUE), ==, 1);
}

static void
test_connect_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(HsProbeGdb) gdb = NULL;
  g_autofree char *where = NULL;
  gboolean was_running;
  guint16 port;

  /* A port that was just free and has nothing listening on it. */
  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (sock, any, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);

  gdb = hs_probe_gdb_new ("127.0.0.1", port);
  g_assert_false (hs_probe_connect (HS_PROBE (gdb), &was_running, NULL, &error));
  g_assert_nonnull (error);
  where = g_strdup_printf ("127.0.0.1:%u", port);
  g_assert_true (strstr (error->message, where) != NULL);
  g_assert_false (hs_probe_is_connected (HS_PROBE (gdb)));
}

static void
test_parse_location (void)
{
  static const struct
  {
    const char *location;
    const char *host;
    guint16 port;
  } good[] = {
    { "127.0.0.1:1234", "127.0.0.1", 1234 },
    { "localhost:1", "localhost", 1 },
    { ":1234", "127.0.0.1", 1234 },
    { "[::1]:5000", "::1", 5000 },
    { "board.example:65535", "board.example", 65535 },
  };
  static const char *bad[] = {
    "nonsense", "host:", "host:0", "host:65536", "host:12ab", "host:-1", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_assert_true (hs_probe_gdb_parse_location (good[i].location, &host, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, good[i].host);
      g_assert_cmpuint (port, ==, good[i].port);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_assert_false (hs_probe_gdb_parse_location (bad[i], &host, &port, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (host);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/Hs/ProbeGdb/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("connect-unsolicited-stop", test_connect_unsolicited_stop);
  ADD ("connect-halted", test_connect_halted);
  ADD ("register-list", test_register_list);
  ADD ("read-registers", test_read_registers);
  ADD ("register-cache", test_register_cache);
  ADD ("read-memory-chunks", test_read_memory_chunks);
  ADD ("read-memory-error", test_read_memory_error);
  ADD ("read-memory-vectored", test_read_memory_vectored);
  ADD ("read-memory-big", test_read_memory_big);
  ADD ("read-lines-ahead", test_read_lines_ahead);
  ADD ("no-phys-mode", test_no_phys_mode);
  ADD ("nak-retransmit", test_nak_retransmit);
  ADD ("nak-forever", test_nak_forever);
  ADD ("interrupt", test_interrupt);
  ADD ("step", test_step);
  ADD ("disconnect-while-waiting", test_disconnect_while_waiting);
  ADD ("connection-lost", test_connection_lost);
  ADD ("connection-closed-between", test_connection_closed_between);
  ADD ("detach", test_detach);
  ADD ("detach-refused", test_detach_refused);
  ADD ("detach-lost", test_detach_lost);
  ADD ("stall-timeout", test_stall_timeout);
  ADD ("late-reply", test_late_reply);
  g_test_add ("/Hs/ProbeGdb/partial-reply-stall/memory", Fixture, "m1000,", fixture_setup,
              test_partial_reply_stall, fixture_teardown);
  g_test_add ("/Hs/ProbeGdb/partial-reply-stall/registers", Fixture, "p45", fixture_setup,
              test_partial_reply_stall, fixture_teardown);
  ADD ("partial-reply-connect", test_partial_reply_connect);
  ADD ("partial-reply-close", test_partial_reply_close);
  ADD ("connect-cancel", test_connect_cancel);
  ADD ("too-many-cores", test_too_many_cores);
  ADD ("too-many-register-values", test_too_many_register_values);
  ADD ("xfer-overlong", test_xfer_overlong);
  ADD ("include-href", test_include_href);
  ADD ("write-vector-register", test_write_vector_register);

#undef ADD

  g_test_add_func ("/Hs/ProbeGdb/connect-refused", test_connect_refused);
  g_test_add_func ("/Hs/ProbeGdb/parse-location", test_parse_location);

  return g_test_run ();
}
