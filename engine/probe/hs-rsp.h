/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-rsp.h: the GDB remote serial protocol's framing, as pure functions.
 *
 * Nothing here does I/O: the probe feeds received bytes to an HsRspDecoder
 * and sends what hs_rsp_frame() produces, so every rule of the wire format
 * (checksums, escaping, run-length encoding, acks) is unit-testable.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HS_RSP_EVENT_NONE,
  HS_RSP_EVENT_ACK,            /* '+' */
  HS_RSP_EVENT_NAK,            /* '-': resend the last packet */
  HS_RSP_EVENT_PACKET,         /* $payload#cs, checksum good */
  HS_RSP_EVENT_NOTIFICATION,   /* %payload#cs (non-stop mode) */
  HS_RSP_EVENT_BAD_CHECKSUM,   /* a frame whose checksum did not match, or a malformed one
                                * (a forbidden run-length count): answer '-' */
  HS_RSP_EVENT_OVERFLOW,       /* a frame longer than the decoder's limit */
} HsRspEventKind;

typedef struct
{
  HsRspEventKind kind;
  /* For PACKET/NOTIFICATION: unescaped, run-length-expanded payload, NUL-terminated
   * (it may hold NULs itself when the packet carries binary data). Owned by the
   * decoder; valid until the next feed. */
  const char *payload;
  gsize payload_len;
} HsRspEvent;

typedef struct
{
  /*< private >*/
  int state;
  GByteArray *buf;
  guint8 sum;
  guint8 want_sum;
  gboolean escape;
  gboolean is_notification;
  gboolean overflow;
  gboolean malformed;
  gsize max_len;
} HsRspDecoder;

void     hs_rsp_decoder_init   (HsRspDecoder *dec,
                                gsize         max_payload);
void     hs_rsp_decoder_clear  (HsRspDecoder *dec);
void     hs_rsp_decoder_reset  (HsRspDecoder *dec);
gsize    hs_rsp_decoder_feed   (HsRspDecoder *dec,
                                const guint8 *data,
                                gsize         len,
                                HsRspEvent   *event);
/* Whether the bytes fed so far end inside a frame: a stub that goes quiet or hangs up now
 * stopped in the middle of a packet. */
gboolean hs_rsp_decoder_in_frame (const HsRspDecoder *dec);

guint8   hs_rsp_checksum       (const guint8 *data,
                                gsize         len);
GBytes  *hs_rsp_frame          (const void   *payload,
                                gsize         len);

char    *hs_rsp_hex_encode     (const guint8 *data,
                                gsize         len);
gboolean hs_rsp_hex_decode     (const char   *hex,
                                gsize         hex_len,
                                guint8       *out);
gboolean hs_rsp_parse_hex_u64  (const char   *str,
                                gsize         len,
                                guint64      *out);

/* Thread ids: "p01.02" (multiprocess) or "2". */
gboolean hs_rsp_parse_thread_id (const char *str,
                                 gsize       len,
                                 gint64     *pid,
                                 gint64     *tid);

typedef enum
{
  HS_RSP_STOP_SIGNAL,   /* S/T: the target stopped with a signal */
  HS_RSP_STOP_EXITED,   /* W: the process exited */
  HS_RSP_STOP_KILLED,   /* X: the process was terminated */
} HsRspStopKind;

typedef struct
{
  HsRspStopKind kind;
  guint signal;         /* or exit status */
  gboolean has_thread;
  gint64 pid;
  gint64 tid;
  gboolean has_watch;   /* watch/rwatch/awatch */
  guint64 watch_addr;
  gboolean swbreak;
  gboolean hwbreak;
} HsRspStop;

gboolean hs_rsp_is_stop_reply  (const char *payload);
gboolean hs_rsp_parse_stop     (const char *payload,
                                HsRspStop  *stop);

G_END_DECLS
