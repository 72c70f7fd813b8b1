/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-rsp.c: the GDB remote protocol as a stub could send it: framing
 * (fed in pieces of sizes the input chooses), then every reply parser on
 * each payload decoded.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "hs-rsp.h"

static void
parse_payload (const char *payload,
               gsize       len)
{
  HsRspStop stop;
  gint64 pid, tid;
  guint64 value;
  guint8 bytes[256];

  if (hs_rsp_is_stop_reply (payload))
    hs_rsp_parse_stop (payload, &stop);
  hs_rsp_parse_thread_id (payload, len, &pid, &tid);
  hs_rsp_parse_hex_u64 (payload, len, &value);
  if (len / 2 <= sizeof bytes)
    hs_rsp_hex_decode (payload, len - len % 2, bytes);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  HsRspDecoder dec;
  gsize piece;

  if (size == 0)
    return 0;
  piece = 1 + data[0] % 64;
  data++;
  size--;
  hs_rsp_decoder_init (&dec, 4096);
  while (size > 0)
    {
      gsize chunk = MIN (piece, size);
      gsize off = 0;

      while (off < chunk)
        {
          HsRspEvent ev = { 0 };
          gsize used = hs_rsp_decoder_feed (&dec, data + off, chunk - off, &ev);

          if (used == 0 && ev.kind == HS_RSP_EVENT_NONE)
            break;
          off += used;
          if (ev.kind == HS_RSP_EVENT_PACKET || ev.kind == HS_RSP_EVENT_NOTIFICATION)
            parse_payload (ev.payload, ev.payload_len);
        }
      data += chunk;
      size -= chunk;
    }
  hs_rsp_decoder_clear (&dec);
  return 0;
}
