/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-rsp.c: the GDB remote serial protocol's framing (hs-rsp.c).
 *
 * Wire bytes are built here by hand, with checksums computed by the test's
 * own loop, so a decoder bug cannot hide behind the encoder's.
 */
#define G_LOG_DOMAIN "test-rsp"

#include "config.h"

#include "hs-rsp.h"

#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------- */

/* "$body#cs" with the checksum of @body's bytes as given (already escaped). */
static GByteArray *
wire_frame (char        start,
            const char *body,
            gsize       body_len)
{
  GByteArray *out = g_byte_array_new ();
  guint sum = 0;
  char trailer[4];

  g_byte_array_append (out, (const guint8 *) &start, 1);
  g_byte_array_append (out, (const guint8 *) body, body_len);
  for (gsize i = 0; i < body_len; i++)
    sum += (guint8) body[i];
  g_snprintf (trailer, sizeof trailer, "#%02x", sum & 0xff);
  g_byte_array_append (out, (const guint8 *) trailer, 3);
  return out;
}

typedef struct
{
  HsRspEventKind kind;
  GBytes *payload;   /* PACKET/NOTIFICATION only */
} Event;

static void
event_clear (gpointer data)
{
  Event *ev = data;

  g_clear_pointer (&ev->payload, g_bytes_unref);
}

/* Feeds @len bytes in pieces of @step and collects every event, copying payloads. */
static GArray *
feed_collect (HsRspDecoder *dec,
              const guint8 *data,
              gsize         len,
              gsize         step)
{
  GArray *events = g_array_new (FALSE, TRUE, sizeof (Event));

  g_array_set_clear_func (events, event_clear);
  for (gsize off = 0; off < len; off += step)
    {
      gsize piece = MIN (step, len - off);
      gsize pos = 0;
      guint guard = 0;

      while (pos < piece)
        {
          HsRspEvent ev;
          gsize used = hs_rsp_decoder_feed (dec, data + off + pos, piece - pos, &ev);

          /* Every call must make progress, or a caller loops forever. */
          g_assert_cmpuint (used, >, 0);
          g_assert_cmpuint (used, <=, piece - pos);
          g_assert_cmpuint (++guard, <, 100000);
          pos += used;
          if (ev.kind != HS_RSP_EVENT_NONE)
            {
              Event e = { ev.kind, NULL };

              if (ev.kind == HS_RSP_EVENT_PACKET || ev.kind == HS_RSP_EVENT_NOTIFICATION)
                {
                  /* The payload is NUL-terminated past its length. */
                  g_assert_cmpint (ev.payload[ev.payload_len], ==, 0);
                  e.payload = g_bytes_new (ev.payload, ev.payload_len);
                }
              else
                {
                  g_assert_null (ev.payload);
                  g_assert_cmpuint (ev.payload_len, ==, 0);
                }
              g_array_append_val (events, e);
            }
        }
    }
  return events;
}

static void
assert_payload (const Event *ev,
                const char  *expected,
                gsize        expected_len)
{
  gsize len;
  const char *data;

  g_assert_nonnull (ev->payload);
  data = g_bytes_get_data (ev->payload, &len);
  g_assert_cmpuint (len, ==, expected_len);
  g_assert_true (memcmp (data, expected, len) == 0);
}

#define EVENT(events, i) (&g_array_index ((events), Event, (i)))

/* ---- checksum and framing --------------------------------------------------------------- */

static void
test_checksum (void)
{
  /* Well-known frames: "$OK#9a", "$qSupported#37", "$g#67". */
  g_assert_cmpuint (hs_rsp_checksum ((const guint8 *) "OK", 2), ==, 0x9a);
  g_assert_cmpuint (hs_rsp_checksum ((const guint8 *) "qSupported", 10), ==, 0x37);
  g_assert_cmpuint (hs_rsp_checksum ((const guint8 *) "g", 1), ==, 0x67);
  g_assert_cmpuint (hs_rsp_checksum (NULL, 0), ==, 0);
  /* Modulo 256: 0xff + 0x02 wraps to 0x01. */
  g_assert_cmpuint (hs_rsp_checksum ((const guint8 *) "\xff\x02", 2), ==, 0x01);
}

static void
test_frame_plain (void)
{
  g_autoptr(GBytes) frame = hs_rsp_frame ("qSupported", 10);
  gsize len;
  const char *data = g_bytes_get_data (frame, &len);

  g_assert_cmpuint (len, ==, strlen ("$qSupported#37"));
  g_assert_true (memcmp (data, "$qSupported#37", len) == 0);

  {
    g_autoptr(GBytes) empty = hs_rsp_frame ("", 0);

    data = g_bytes_get_data (empty, &len);
    g_assert_cmpuint (len, ==, 4);
    g_assert_true (memcmp (data, "$#00", 4) == 0);
  }
}

static void
test_frame_escaping (void)
{
  /* Each reserved byte becomes '}' then the byte XOR 0x20: $ -> }\x04, # -> }\x03,
   * } -> }], * -> }\x0a. The checksum covers the escaped bytes on the wire. */
  static const char payload[] = "a$b#c}d*e";
  static const char escaped[] = "a}\x04" "b}\x03" "c}]" "d}\x0a" "e";
  g_autoptr(GBytes) frame = hs_rsp_frame (payload, strlen (payload));
  g_autoptr(GByteArray) expected = wire_frame ('$', escaped, strlen (escaped));
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_assert_cmpuint (len, ==, expected->len);
  g_assert_true (memcmp (data, expected->data, len) == 0);
  /* No raw '#' or '$' may appear inside the frame. */
  for (gsize i = 1; i + 3 < len; i++)
    {
      g_assert_cmpint (data[i], !=, '#');
      g_assert_cmpint (data[i], !=, '$');
    }
}

/* Every byte value survives hs_rsp_frame() and the decoder. */
static void
test_frame_round_trip (void)
{
  guint8 payload[256];
  g_autoptr(GBytes) frame = NULL;
  HsRspDecoder dec;
  g_autoptr(GArray) events = NULL;
  gsize len;
  const guint8 *data;

  for (guint i = 0; i < 256; i++)
    payload[i] = (guint8) i;
  frame = hs_rsp_frame (payload, sizeof payload);
  data = g_bytes_get_data (frame, &len);

  hs_rsp_decoder_init (&dec, 4096);
  events = feed_collect (&dec, data, len, len);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_PACKET);
  assert_payload (EVENT (events, 0), (const char *) payload, sizeof payload);
  hs_rsp_decoder_clear (&dec);
}

/* ---- decoder ---------------------------------------------------------------------------- */

static void
test_decode_single (void)
{
  HsRspDecoder dec;
  HsRspEvent ev;
  const guint8 *wire = (const guint8 *) "$OK#9a";
  gsize used;

  hs_rsp_decoder_init (&dec, 1024);
  used = hs_rsp_decoder_feed (&dec, wire, 6, &ev);
  g_assert_cmpuint (used, ==, 6);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_PACKET);
  g_assert_cmpuint (ev.payload_len, ==, 2);
  g_assert_cmpstr (ev.payload, ==, "OK");

  /* Upper-case checksum digits are accepted too. */
  used = hs_rsp_decoder_feed (&dec, (const guint8 *) "$OK#9A", 6, &ev);
  g_assert_cmpuint (used, ==, 6);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_PACKET);
  g_assert_cmpstr (ev.payload, ==, "OK");

  /* An empty packet ("not supported") is a packet. */
  used = hs_rsp_decoder_feed (&dec, (const guint8 *) "$#00", 4, &ev);
  g_assert_cmpuint (used, ==, 4);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_PACKET);
  g_assert_cmpuint (ev.payload_len, ==, 0);
  g_assert_cmpstr (ev.payload, ==, "");
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_ack_nak (void)
{
  HsRspDecoder dec;
  HsRspEvent ev;
  const guint8 *wire = (const guint8 *) "+-$OK#9a+";
  gsize pos = 0;

  hs_rsp_decoder_init (&dec, 1024);
  /* One event per call: the caller feeds the rest again. */
  pos += hs_rsp_decoder_feed (&dec, wire + pos, 9 - pos, &ev);
  g_assert_cmpuint (pos, ==, 1);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_ACK);
  pos += hs_rsp_decoder_feed (&dec, wire + pos, 9 - pos, &ev);
  g_assert_cmpuint (pos, ==, 2);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_NAK);
  pos += hs_rsp_decoder_feed (&dec, wire + pos, 9 - pos, &ev);
  g_assert_cmpuint (pos, ==, 8);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_PACKET);
  g_assert_cmpstr (ev.payload, ==, "OK");
  pos += hs_rsp_decoder_feed (&dec, wire + pos, 9 - pos, &ev);
  g_assert_cmpuint (pos, ==, 9);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_ACK);

  /* '+' and '-' inside a packet are data, not acks. */
  {
    g_autoptr(GByteArray) frame = wire_frame ('$', "a+b-c", 5);
    g_autoptr(GArray) events = feed_collect (&dec, frame->data, frame->len, frame->len);

    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_PACKET);
    assert_payload (EVENT (events, 0), "a+b-c", 5);
  }
  hs_rsp_decoder_clear (&dec);
}

/* A stream with several packets, fed in every piece size from 1 byte up. */
static void
test_decode_split (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  const char *payloads[] = { "qSupported:multiprocess+;swbreak+", "OK", "T05thread:p01.02;" };

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(GByteArray) f = wire_frame ('$', payloads[i], strlen (payloads[i]));

      g_byte_array_append (stream, f->data, f->len);
      g_byte_array_append (stream, (const guint8 *) "+", 1);
    }

  for (gsize step = 1; step <= stream->len; step++)
    {
      HsRspDecoder dec;
      g_autoptr(GArray) events = NULL;

      hs_rsp_decoder_init (&dec, 1024);
      events = feed_collect (&dec, stream->data, stream->len, step);
      g_assert_cmpuint (events->len, ==, 6);
      for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
        {
          g_assert_cmpint (EVENT (events, 2 * i)->kind, ==, HS_RSP_EVENT_PACKET);
          assert_payload (EVENT (events, 2 * i), payloads[i], strlen (payloads[i]));
          g_assert_cmpint (EVENT (events, 2 * i + 1)->kind, ==, HS_RSP_EVENT_ACK);
        }
      hs_rsp_decoder_clear (&dec);
    }
}

static void
test_decode_noise (void)
{
  HsRspDecoder dec;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) f = wire_frame ('$', "OK", 2);
  g_autoptr(GArray) events = NULL;

  /* Line noise, a stray checksum and a newline before the frame are dropped. */
  g_byte_array_append (stream, (const guint8 *) "garbage\r\n#1f\x03", 13);
  g_byte_array_append (stream, f->data, f->len);

  hs_rsp_decoder_init (&dec, 1024);
  events = feed_collect (&dec, stream->data, stream->len, 1);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_PACKET);
  assert_payload (EVENT (events, 0), "OK", 2);
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_bad_checksum (void)
{
  HsRspDecoder dec;
  g_autoptr(GArray) events = NULL;
  /* Wrong checksum, a non-hex checksum, then a good packet: the decoder recovers. */
  static const char stream[] = "$OK#9b" "$OK#zz" "$OK#9a";

  hs_rsp_decoder_init (&dec, 1024);
  events = feed_collect (&dec, (const guint8 *) stream, strlen (stream), 1);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_BAD_CHECKSUM);
  g_assert_cmpint (EVENT (events, 1)->kind, ==, HS_RSP_EVENT_BAD_CHECKSUM);
  g_assert_cmpint (EVENT (events, 2)->kind, ==, HS_RSP_EVENT_PACKET);
  assert_payload (EVENT (events, 2), "OK", 2);
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_run_length (void)
{
  struct
  {
    const char *wire_body;
    const char *expanded;
  } cases[] = {
    /* The count character n means n - 29 more copies of the previous byte. */
    { "0* ", "0000" },               /* ' ' = 32: 3 more */
    { "0*\"", "000000" },            /* '"' = 34: 5 more */
    { "T05*!", "T055555" },          /* '!' = 33: 4 more */
  };
  HsRspDecoder dec;

  hs_rsp_decoder_init (&dec, 1024);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) f = wire_frame ('$', cases[i].wire_body, strlen (cases[i].wire_body));
      g_autoptr(GArray) events = feed_collect (&dec, f->data, f->len, 1);

      g_assert_cmpuint (events->len, ==, 1);
      g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_PACKET);
      assert_payload (EVENT (events, 0), cases[i].expanded, strlen (cases[i].expanded));
    }

  /* '~' = 126: 97 more, a register's worth of zeros as QEMU sends it. */
  {
    g_autoptr(GByteArray) f = wire_frame ('$', "0*~y", 4);
    g_autoptr(GArray) events = feed_collect (&dec, f->data, f->len, f->len);
    char expected[100];

    memset (expected, '0', 98);
    expected[98] = 'y';
    g_assert_cmpuint (events->len, ==, 1);
    assert_payload (EVENT (events, 0), expected, 99);
  }
  hs_rsp_decoder_clear (&dec);
}

/* Counts the protocol forbids ('#', '$', unprintable) make the frame bad, never a packet: a
 * '#' as count once swallowed the checksum as payload and ran on into the next frame. */
static void
test_decode_run_length_forbidden (void)
{
  static const struct
  {
    const char *body;
    gsize len;
  } cases[] = {
    { "0*#00", 5 },        /* '#': the frame ends at it; "00" is its checksum */
    { "0*$00", 5 },        /* '$' */
    { "0*\x7f", 3 },       /* above '~' */
    { "0*\x1f", 3 },       /* below ' ' */
  };
  HsRspDecoder dec;

  hs_rsp_decoder_init (&dec, 1024);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize step = 1; step <= 64; step += 63)
      {
        g_autoptr(GByteArray) stream = wire_frame ('$', cases[i].body, cases[i].len);
        g_autoptr(GByteArray) ok = wire_frame ('$', "OK", 2);
        g_autoptr(GArray) events = NULL;

        g_byte_array_append (stream, ok->data, ok->len);
        events = feed_collect (&dec, stream->data, stream->len, step);
        g_assert_cmpuint (events->len, ==, 2);
        g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_BAD_CHECKSUM);
        /* The next frame is intact. */
        g_assert_cmpint (EVENT (events, 1)->kind, ==, HS_RSP_EVENT_PACKET);
        assert_payload (EVENT (events, 1), "OK", 2);
      }
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_escape (void)
{
  HsRspDecoder dec;
  /* On the wire: "}]" is '}', "}\x03" is '#', "}\x04" is '$', "}\x0a" is '*'. */
  static const char body[] = "a}]b}\x03" "c}\x04" "d}\x0a";
  g_autoptr(GByteArray) f = wire_frame ('$', body, strlen (body));
  g_autoptr(GArray) events = NULL;

  hs_rsp_decoder_init (&dec, 1024);
  events = feed_collect (&dec, f->data, f->len, 1);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_PACKET);
  assert_payload (EVENT (events, 0), "a}b#c$d*", 8);

  /* Binary data may hold NULs; the length says where it ends. */
  {
    g_autoptr(GByteArray) g = wire_frame ('$', "x\0y", 3);
    g_autoptr(GArray) more = feed_collect (&dec, g->data, g->len, g->len);

    g_assert_cmpuint (more->len, ==, 1);
    assert_payload (EVENT (more, 0), "x\0y", 3);
  }
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_notification (void)
{
  HsRspDecoder dec;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) n = wire_frame ('%', "Stop:T05thread:p01.01;", 22);
  g_autoptr(GByteArray) p = wire_frame ('$', "OK", 2);
  g_autoptr(GArray) events = NULL;

  g_byte_array_append (stream, n->data, n->len);
  g_byte_array_append (stream, p->data, p->len);

  hs_rsp_decoder_init (&dec, 1024);
  events = feed_collect (&dec, stream->data, stream->len, 3);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_NOTIFICATION);
  assert_payload (EVENT (events, 0), "Stop:T05thread:p01.01;", 22);
  /* The next '$' frame is a packet again, not a notification. */
  g_assert_cmpint (EVENT (events, 1)->kind, ==, HS_RSP_EVENT_PACKET);
  assert_payload (EVENT (events, 1), "OK", 2);
  hs_rsp_decoder_clear (&dec);
}

static void
test_decode_overflow (void)
{
  HsRspDecoder dec;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  char big[41];
  g_autoptr(GByteArray) too_big = NULL;
  g_autoptr(GByteArray) exact = wire_frame ('$', "0123456789abcdef", 16);
  g_autoptr(GByteArray) one_over = wire_frame ('$', "0123456789abcdefg", 17);
  /* Run-length expansion past the limit overflows too: 1 + 97 bytes. */
  g_autoptr(GByteArray) rle = wire_frame ('$', "0*~", 3);
  g_autoptr(GByteArray) ok = wire_frame ('$', "OK", 2);
  g_autoptr(GArray) events = NULL;

  memset (big, 'z', 40);
  big[40] = 0;
  too_big = wire_frame ('$', big, 40);
  g_byte_array_append (stream, too_big->data, too_big->len);
  g_byte_array_append (stream, exact->data, exact->len);
  g_byte_array_append (stream, one_over->data, one_over->len);
  g_byte_array_append (stream, rle->data, rle->len);
  g_byte_array_append (stream, ok->data, ok->len);

  for (gsize step = 1; step <= 7; step += 6)
    {
      hs_rsp_decoder_init (&dec, 16);
      events = feed_collect (&dec, stream->data, stream->len, step);
      g_assert_cmpuint (events->len, ==, 5);
      g_assert_cmpint (EVENT (events, 0)->kind, ==, HS_RSP_EVENT_OVERFLOW);
      /* Exactly the limit is fine, one byte more is not. */
      g_assert_cmpint (EVENT (events, 1)->kind, ==, HS_RSP_EVENT_PACKET);
      assert_payload (EVENT (events, 1), "0123456789abcdef", 16);
      g_assert_cmpint (EVENT (events, 2)->kind, ==, HS_RSP_EVENT_OVERFLOW);
      g_assert_cmpint (EVENT (events, 3)->kind, ==, HS_RSP_EVENT_OVERFLOW);
      /* ...and the decoder recovers for the next packet. */
      g_assert_cmpint (EVENT (events, 4)->kind, ==, HS_RSP_EVENT_PACKET);
      assert_payload (EVENT (events, 4), "OK", 2);
      g_clear_pointer (&events, g_array_unref);
      hs_rsp_decoder_clear (&dec);
    }
}

static void
test_decode_reset (void)
{
  HsRspDecoder dec;
  HsRspEvent ev;
  gsize used;

  hs_rsp_decoder_init (&dec, 1024);
  /* Half a packet, then a reset (e.g. a reconnect): the half is forgotten. */
  used = hs_rsp_decoder_feed (&dec, (const guint8 *) "$O", 2, &ev);
  g_assert_cmpuint (used, ==, 2);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_NONE);
  hs_rsp_decoder_reset (&dec);
  used = hs_rsp_decoder_feed (&dec, (const guint8 *) "K#9a+", 5, &ev);
  /* "K#9a" is noise now; the '+' is the first event. */
  g_assert_cmpuint (used, ==, 5);
  g_assert_cmpint (ev.kind, ==, HS_RSP_EVENT_ACK);
  hs_rsp_decoder_clear (&dec);
}

/* ---- hex -------------------------------------------------------------------------------- */

static void
test_hex (void)
{
  static const guint8 bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
  g_autofree char *hex = hs_rsp_hex_encode (bytes, sizeof bytes);
  guint8 back[sizeof bytes];
  guint8 out[4] = { 0 };
  guint64 v = 0;

  g_assert_cmpstr (hex, ==, "00017f80abff");
  g_assert_true (hs_rsp_hex_decode (hex, strlen (hex), back));
  g_assert_true (memcmp (back, bytes, sizeof bytes) == 0);

  /* Upper case decodes too. */
  g_assert_true (hs_rsp_hex_decode ("ABcd", 4, out));
  g_assert_cmpuint (out[0], ==, 0xab);
  g_assert_cmpuint (out[1], ==, 0xcd);

  /* Odd length and non-hex digits are rejected. */
  g_assert_false (hs_rsp_hex_decode ("abc", 3, out));
  g_assert_false (hs_rsp_hex_decode ("0g", 2, out));
  g_assert_false (hs_rsp_hex_decode ("xx", 2, out));
  g_assert_false (hs_rsp_hex_decode ("1 ", 2, out));
  /* Empty is fine and writes nothing. */
  g_assert_true (hs_rsp_hex_decode ("", 0, out));

  {
    g_autofree char *empty = hs_rsp_hex_encode (NULL, 0);

    g_assert_cmpstr (empty, ==, "");
  }

  g_assert_true (hs_rsp_parse_hex_u64 ("ffffffffffffffff", 16, &v));
  g_assert_cmpuint (v, ==, G_MAXUINT64);
  g_assert_true (hs_rsp_parse_hex_u64 ("1000,800", 4, &v));
  g_assert_cmpuint (v, ==, 0x1000);
  g_assert_false (hs_rsp_parse_hex_u64 ("10000000000000000", 17, &v));
  g_assert_false (hs_rsp_parse_hex_u64 ("", 0, &v));
  g_assert_false (hs_rsp_parse_hex_u64 ("12x", 3, &v));
}

/* ---- thread ids and stop replies -------------------------------------------------------- */

static void
test_thread_id (void)
{
  gint64 pid = 99, tid = 99;

  g_assert_true (hs_rsp_parse_thread_id ("p01.02", 6, &pid, &tid));
  g_assert_cmpint (pid, ==, 1);
  g_assert_cmpint (tid, ==, 2);

  /* "pPID" alone means every thread of the process. */
  g_assert_true (hs_rsp_parse_thread_id ("p1", 2, &pid, &tid));
  g_assert_cmpint (pid, ==, 1);
  g_assert_cmpint (tid, ==, -1);

  g_assert_true (hs_rsp_parse_thread_id ("-1", 2, &pid, &tid));
  g_assert_cmpint (pid, ==, 0);
  g_assert_cmpint (tid, ==, -1);

  g_assert_true (hs_rsp_parse_thread_id ("2", 1, &pid, &tid));
  g_assert_cmpint (pid, ==, 0);
  g_assert_cmpint (tid, ==, 2);

  g_assert_true (hs_rsp_parse_thread_id ("pa.1f", 5, &pid, &tid));
  g_assert_cmpint (pid, ==, 10);
  g_assert_cmpint (tid, ==, 31);

  g_assert_true (hs_rsp_parse_thread_id ("p-1.-1", 6, &pid, &tid));
  g_assert_cmpint (pid, ==, -1);
  g_assert_cmpint (tid, ==, -1);

  /* The length bounds the parse: "12;swbreak" with length 2 is thread 0x12. */
  g_assert_true (hs_rsp_parse_thread_id ("12;swbreak", 2, &pid, &tid));
  g_assert_cmpint (tid, ==, 0x12);

  g_assert_false (hs_rsp_parse_thread_id ("", 0, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("p", 1, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("p1.", 3, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("p.2", 3, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("zz", 2, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("-2", 2, &pid, &tid));
  g_assert_false (hs_rsp_parse_thread_id ("1.2", 3, &pid, &tid));
  /* Above G_MAXINT64 is not a thread id. */
  g_assert_false (hs_rsp_parse_thread_id ("8000000000000000", 16, &pid, &tid));
}

static void
test_stop_signal (void)
{
  HsRspStop stop;

  g_assert_true (hs_rsp_is_stop_reply ("S05"));
  g_assert_true (hs_rsp_parse_stop ("S05", &stop));
  g_assert_cmpint (stop.kind, ==, HS_RSP_STOP_SIGNAL);
  g_assert_cmpuint (stop.signal, ==, 5);
  g_assert_false (stop.has_thread);
  g_assert_false (stop.swbreak);

  g_assert_true (hs_rsp_parse_stop ("T05thread:p01.02;swbreak:;", &stop));
  g_assert_cmpint (stop.kind, ==, HS_RSP_STOP_SIGNAL);
  g_assert_cmpuint (stop.signal, ==, 5);
  g_assert_true (stop.has_thread);
  g_assert_cmpint (stop.pid, ==, 1);
  g_assert_cmpint (stop.tid, ==, 2);
  g_assert_true (stop.swbreak);
  g_assert_false (stop.hwbreak);
  g_assert_false (stop.has_watch);

  /* QEMU's stop after an interrupt: SIGINT, a non-multiprocess thread id. */
  g_assert_true (hs_rsp_parse_stop ("T02thread:01;", &stop));
  g_assert_cmpuint (stop.signal, ==, 2);
  g_assert_true (stop.has_thread);
  g_assert_cmpint (stop.pid, ==, 0);
  g_assert_cmpint (stop.tid, ==, 1);
  g_assert_false (stop.swbreak);

  g_assert_true (hs_rsp_parse_stop ("T05hwbreak:;thread:p1.1;", &stop));
  g_assert_true (stop.hwbreak);
  g_assert_false (stop.swbreak);
  g_assert_cmpint (stop.tid, ==, 1);

  /* Register values ("n:r") and unknown keys are skipped; the last pair may lack its ';'. */
  g_assert_true (hs_rsp_parse_stop ("T0520:0010000000000000;core:1;thread:3", &stop));
  g_assert_true (stop.has_thread);
  g_assert_cmpint (stop.tid, ==, 3);
}

static void
test_stop_watch (void)
{
  HsRspStop stop;

  g_assert_true (hs_rsp_parse_stop ("T05watch:1000;thread:p1.3;", &stop));
  g_assert_true (stop.has_watch);
  g_assert_cmpuint (stop.watch_addr, ==, 0x1000);
  g_assert_true (stop.has_thread);
  g_assert_cmpint (stop.pid, ==, 1);
  g_assert_cmpint (stop.tid, ==, 3);

  g_assert_true (hs_rsp_parse_stop ("T05rwatch:ffff000008000000;", &stop));
  g_assert_true (stop.has_watch);
  g_assert_cmpuint (stop.watch_addr, ==, G_GUINT64_CONSTANT (0xffff000008000000));

  g_assert_true (hs_rsp_parse_stop ("T05awatch:40;", &stop));
  g_assert_true (stop.has_watch);
  g_assert_cmpuint (stop.watch_addr, ==, 0x40);
}

static void
test_stop_exit (void)
{
  HsRspStop stop;

  g_assert_true (hs_rsp_parse_stop ("W00", &stop));
  g_assert_cmpint (stop.kind, ==, HS_RSP_STOP_EXITED);
  g_assert_cmpuint (stop.signal, ==, 0);

  g_assert_true (hs_rsp_parse_stop ("W2a", &stop));
  g_assert_cmpint (stop.kind, ==, HS_RSP_STOP_EXITED);
  g_assert_cmpuint (stop.signal, ==, 42);

  g_assert_true (hs_rsp_parse_stop ("X09", &stop));
  g_assert_cmpint (stop.kind, ==, HS_RSP_STOP_KILLED);
  g_assert_cmpuint (stop.signal, ==, 9);
}

static void
test_stop_malformed (void)
{
  static const char *bad[] = {
    "", "S", "S5", "S0", "Sxy", "S05extra", "T", "T5", "Q05", "OK", "E01",
    "T05thread", "T05thread:zz;", "T05thread:;", "T05watch:xyz;", "T05watch:;",
    "T05thread:p1.;",
  };
  HsRspStop stop;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (g_test_verbose ())
        g_test_message ("malformed stop '%s'", bad[i]);
      g_assert_false (hs_rsp_parse_stop (bad[i], &stop));
    }

  g_assert_false (hs_rsp_is_stop_reply (""));
  g_assert_false (hs_rsp_is_stop_reply ("OK"));
  g_assert_false (hs_rsp_is_stop_reply ("E14"));
  g_assert_false (hs_rsp_is_stop_reply ("S5"));
  g_assert_false (hs_rsp_is_stop_reply ("l"));
  g_assert_true (hs_rsp_is_stop_reply ("T02thread:01;"));
  g_assert_true (hs_rsp_is_stop_reply ("W00"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Rsp/checksum", test_checksum);
  g_test_add_func ("/Hs/Rsp/frame-plain", test_frame_plain);
  g_test_add_func ("/Hs/Rsp/frame-escaping", test_frame_escaping);
  g_test_add_func ("/Hs/Rsp/frame-round-trip", test_frame_round_trip);
  g_test_add_func ("/Hs/Rsp/decode-single", test_decode_single);
  g_test_add_func ("/Hs/Rsp/decode-ack-nak", test_decode_ack_nak);
  g_test_add_func ("/Hs/Rsp/decode-split", test_decode_split);
  g_test_add_func ("/Hs/Rsp/decode-noise", test_decode_noise);
  g_test_add_func ("/Hs/Rsp/decode-bad-checksum", test_decode_bad_checksum);
  g_test_add_func ("/Hs/Rsp/decode-run-length", test_decode_run_length);
  g_test_add_func ("/Hs/Rsp/decode-run-length-forbidden", test_decode_run_length_forbidden);
  g_test_add_func ("/Hs/Rsp/decode-escape", test_decode_escape);
  g_test_add_func ("/Hs/Rsp/decode-notification", test_decode_notification);
  g_test_add_func ("/Hs/Rsp/decode-overflow", test_decode_overflow);
  g_test_add_func ("/Hs/Rsp/decode-reset", test_decode_reset);
  g_test_add_func ("/Hs/Rsp/hex", test_hex);
  g_test_add_func ("/Hs/Rsp/thread-id", test_thread_id);
  g_test_add_func ("/Hs/Rsp/stop-signal", test_stop_signal);
  g_test_add_func ("/Hs/Rsp/stop-watch", test_stop_watch);
  g_test_add_func ("/Hs/Rsp/stop-exit", test_stop_exit);
  g_test_add_func ("/Hs/Rsp/stop-malformed", test_stop_malformed);

  return g_test_run ();
}
