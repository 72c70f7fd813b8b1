/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-rsp"

#include "config.h"

#include "hs-rsp.h"

#include <string.h>

enum
{
  STATE_IDLE,
  STATE_DATA,
  STATE_RLE_COUNT,
  STATE_CSUM1,
  STATE_CSUM2,
  STATE_SKIP_FRAME,   /* an overflowing or malformed frame: drop bytes up to its checksum */
};

void
hs_rsp_decoder_init (HsRspDecoder *dec,
                     gsize         max_payload)
{
  memset (dec, 0, sizeof *dec);
  dec->buf = g_byte_array_sized_new (1024);
  dec->max_len = max_payload;
}

void
hs_rsp_decoder_clear (HsRspDecoder *dec)
{
  g_clear_pointer (&dec->buf, g_byte_array_unref);
}

void
hs_rsp_decoder_reset (HsRspDecoder *dec)
{
  dec->state = STATE_IDLE;
  dec->escape = FALSE;
  g_byte_array_set_size (dec->buf, 0);
}

gboolean
hs_rsp_decoder_in_frame (const HsRspDecoder *dec)
{
  return dec->state != STATE_IDLE;
}

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
append_byte (HsRspDecoder *dec,
             guint8        b)
{
  if (dec->buf->len >= dec->max_len)
    {
      dec->state = STATE_SKIP_FRAME;
      dec->overflow = TRUE;
      return;
    }
  g_byte_array_append (dec->buf, &b, 1);
}

/*
 * Consumes bytes until one event is complete (or the input runs out) and
 * returns how many it consumed; the caller feeds the rest again. One event
 * per call keeps the payload pointer valid without copying.
 */
gsize
hs_rsp_decoder_feed (HsRspDecoder *dec,
                     const guint8 *data,
                     gsize         len,
                     HsRspEvent   *event)
{
  gsize i;

  event->kind = HS_RSP_EVENT_NONE;
  event->payload = NULL;
  event->payload_len = 0;

  for (i = 0; i < len; i++)
    {
      guint8 c = data[i];
      int v;

      switch (dec->state)
        {
        case STATE_IDLE:
          if (c == '+')
            {
              event->kind = HS_RSP_EVENT_ACK;
              return i + 1;
            }
          if (c == '-')
            {
              event->kind = HS_RSP_EVENT_NAK;
              return i + 1;
            }
          if (c == '$' || c == '%')
            {
              g_byte_array_set_size (dec->buf, 0);
              dec->sum = 0;
              dec->escape = FALSE;
              dec->overflow = FALSE;
              dec->malformed = FALSE;
              dec->is_notification = (c == '%');
              dec->state = STATE_DATA;
            }
          /* Anything else between frames is line noise. */
          break;

        case STATE_DATA:
          if (c == '#')
            {
              dec->state = STATE_CSUM1;
              break;
            }
          dec->sum += c;
          if (dec->escape)
            {
              append_byte (dec, c ^ 0x20);
              dec->escape = FALSE;
            }
          else if (c == '}')
            dec->escape = TRUE;
          else if (c == '*' && dec->buf->len > 0)
            dec->state = STATE_RLE_COUNT;
          else
            {
              /* Hex payloads are long runs of plain bytes: take the run at once. */
              gsize run = 1;

              while (i + run < len && data[i + run] != '#' && data[i + run] != '}'
                     && data[i + run] != '*')
                run++;
              if (dec->buf->len + run > dec->max_len)
                {
                  /* Over the limit: the frame is skipped, without looking at it byte by byte. */
                  dec->state = STATE_SKIP_FRAME;
                  dec->overflow = TRUE;
                  i += run - 1;
                  break;
                }
              for (gsize k = 1; k < run; k++)
                dec->sum += data[i + k];
              g_byte_array_append (dec->buf, data + i, run);
              i += run - 1;
            }
          break;

        case STATE_RLE_COUNT:
          {
            /* "X*n" means X repeated n - 29 more times. */
            guint8 prev = dec->buf->data[dec->buf->len - 1];
            int count = (int) c - 29;

            /* The protocol forbids counts that read as '#' or '$' and unprintable ones: a '#'
             * here ends the frame (so the bytes after it are the checksum, not more payload),
             * and the frame is answered '-' whatever its checksum says. */
            if (c == '#' || c == '$' || c < ' ' || c > '~')
              {
                dec->malformed = TRUE;
                dec->state = c == '#' ? STATE_CSUM1 : STATE_SKIP_FRAME;
                break;
              }
            dec->sum += c;
            dec->state = STATE_DATA;
            for (int k = 0; k < count && dec->state == STATE_DATA; k++)
              append_byte (dec, prev);
          }
          break;

        case STATE_SKIP_FRAME:
          if (c == '#')
            dec->state = STATE_CSUM1;
          break;

        case STATE_CSUM1:
          v = hex_value (c);
          dec->want_sum = (v < 0 ? 0 : v) << 4;
          dec->state = v < 0 ? STATE_IDLE : STATE_CSUM2;
          if (v < 0)
            {
              event->kind = HS_RSP_EVENT_BAD_CHECKSUM;
              return i + 1;
            }
          break;

        case STATE_CSUM2:
          v = hex_value (c);
          dec->state = STATE_IDLE;
          if (dec->overflow)
            {
              g_byte_array_set_size (dec->buf, 0);
              event->kind = HS_RSP_EVENT_OVERFLOW;
              return i + 1;
            }
          if (v < 0 || dec->malformed || (guint8) (dec->want_sum | v) != dec->sum)
            {
              event->kind = HS_RSP_EVENT_BAD_CHECKSUM;
              return i + 1;
            }
          {
            guint8 nul = 0;
            g_byte_array_append (dec->buf, &nul, 1);
            dec->buf->len--;
          }
          event->kind = dec->is_notification ? HS_RSP_EVENT_NOTIFICATION : HS_RSP_EVENT_PACKET;
          event->payload = (const char *) dec->buf->data;
          event->payload_len = dec->buf->len;
          return i + 1;

        default:
          g_assert_not_reached ();
        }
    }

  return len;
}

guint8
hs_rsp_checksum (const guint8 *data,
                 gsize         len)
{
  guint8 sum = 0;

  for (gsize i = 0; i < len; i++)
    sum += data[i];
  return sum;
}

/* Escapes what the protocol reserves; never run-length encodes (stubs need not decode it). */
GBytes *
hs_rsp_frame (const void *payload,
              gsize       len)
{
  const guint8 *p = payload;
  GByteArray *out = g_byte_array_sized_new (len + 8);
  guint8 sum = 0;
  char trailer[4];

  g_byte_array_append (out, (const guint8 *) "$", 1);
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = p[i];

      if (c == '$' || c == '#' || c == '}' || c == '*')
        {
          guint8 esc[2] = { '}', c ^ 0x20 };

          g_byte_array_append (out, esc, 2);
          sum += esc[0] + esc[1];
        }
      else
        {
          g_byte_array_append (out, &c, 1);
          sum += c;
        }
    }
  g_snprintf (trailer, sizeof trailer, "#%02x", sum);
  g_byte_array_append (out, (const guint8 *) trailer, 3);

  return g_byte_array_free_to_bytes (out);
}

char *
hs_rsp_hex_encode (const guint8 *data,
                   gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[len * 2] = 0;
  return out;
}

gboolean
hs_rsp_hex_decode (const char *hex,
                   gsize       hex_len,
                   guint8     *out)
{
  if (hex_len % 2 != 0)
    return FALSE;
  for (gsize i = 0; i < hex_len; i += 2)
    {
      int hi = hex_value (hex[i]);
      int lo = hex_value (hex[i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i / 2] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

gboolean
hs_rsp_parse_hex_u64 (const char *str,
                      gsize       len,
                      guint64    *out)
{
  guint64 v = 0;

  if (len == 0 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int d = hex_value (str[i]);

      if (d < 0)
        return FALSE;
      v = v << 4 | (guint64) d;
    }
  *out = v;
  return TRUE;
}

/* A thread id is "-1" (all), a hex number, or "pPID.TID" in multiprocess mode. */
static gboolean
parse_id (const char *s,
          gsize       len,
          gint64     *out)
{
  guint64 v;

  if (len == 2 && s[0] == '-' && s[1] == '1')
    {
      *out = -1;
      return TRUE;
    }
  if (!hs_rsp_parse_hex_u64 (s, len, &v) || v > G_MAXINT64)
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

gboolean
hs_rsp_parse_thread_id (const char *str,
                        gsize       len,
                        gint64     *pid,
                        gint64     *tid)
{
  const char *dot;

  *pid = 0;
  if (len > 0 && str[0] == 'p')
    {
      str++;
      len--;
      dot = memchr (str, '.', len);
      if (dot == NULL)
        {
          *tid = -1;
          return parse_id (str, len, pid);
        }
      if (!parse_id (str, dot - str, pid))
        return FALSE;
      len -= (dot - str) + 1;
      str = dot + 1;
    }
  return parse_id (str, len, tid);
}

gboolean
hs_rsp_is_stop_reply (const char *payload)
{
  return (payload[0] == 'S' || payload[0] == 'T' || payload[0] == 'W' || payload[0] == 'X')
         && g_ascii_isxdigit (payload[1]) && g_ascii_isxdigit (payload[2]);
}

gboolean
hs_rsp_parse_stop (const char *payload,
                   HsRspStop  *stop)
{
  guint8 sig;
  const char *p;

  memset (stop, 0, sizeof *stop);
  if (!hs_rsp_is_stop_reply (payload) || !hs_rsp_hex_decode (payload + 1, 2, &sig))
    return FALSE;

  stop->signal = sig;
  switch (payload[0])
    {
    case 'W':
      stop->kind = HS_RSP_STOP_EXITED;
      return TRUE;
    case 'X':
      stop->kind = HS_RSP_STOP_KILLED;
      return TRUE;
    case 'S':
      stop->kind = HS_RSP_STOP_SIGNAL;
      return payload[3] == 0;
    default:
      break;
    }

  stop->kind = HS_RSP_STOP_SIGNAL;
  /* T: "n:r;" pairs. Unknown keys are skipped, as the protocol requires. */
  for (p = payload + 3; *p;)
    {
      const char *colon = strchr (p, ':');
      const char *semi;
      const char *val;
      gsize key_len;
      gsize val_len;

      if (colon == NULL)
        return FALSE;
      semi = strchr (colon, ';');
      if (semi == NULL)
        semi = colon + strlen (colon);
      key_len = colon - p;
      val = colon + 1;
      val_len = semi - val;

      if (key_len == 6 && strncmp (p, "thread", 6) == 0)
        {
          if (!hs_rsp_parse_thread_id (val, val_len, &stop->pid, &stop->tid))
            return FALSE;
          stop->has_thread = TRUE;
        }
      else if ((key_len == 5 && strncmp (p, "watch", 5) == 0)
               || (key_len == 6 && strncmp (p, "rwatch", 6) == 0)
               || (key_len == 6 && strncmp (p, "awatch", 6) == 0))
        {
          if (!hs_rsp_parse_hex_u64 (val, val_len, &stop->watch_addr))
            return FALSE;
          stop->has_watch = TRUE;
        }
      else if (key_len == 7 && strncmp (p, "swbreak", 7) == 0)
        stop->swbreak = TRUE;
      else if (key_len == 7 && strncmp (p, "hwbreak", 7) == 0)
        stop->hwbreak = TRUE;

      p = *semi ? semi + 1 : semi;
    }
  return TRUE;
}
