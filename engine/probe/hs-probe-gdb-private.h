/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-gdb-private.h: HsProbeGdb over five files: the handshake and
 * the object (hs-probe-gdb.c), the wire (-wire.c), registers, memory and run
 * control (hs-probe-gdb-registers.c, -memory.c, -run.c).
 *
 * Threads: one request (or pipeline) at a time, under io_lock; the connection, the
 * caches, the target description and the current call's cancellable and deadline belong to
 * whoever holds it. Only the
 * interrupt byte is written without it (under write_lock), while another
 * thread waits for a stop reply.
 */
#pragma once

#include "hs-probe-gdb.h"
#include "hs-sync.h"
#include "hs-rsp.h"
#include "hs-tdesc.h"

G_BEGIN_DECLS

/* From sending a request to the end of its reply, whatever the stub sends in between. The
 * default of reply_timeout_ms; _hs_gdb_set_timeouts() shortens it for tests and the fuzzer. */
#define REPLY_TIMEOUT_MS   5000
/* The whole handshake: a stub that answers each request just in time cannot hold connect (and
 * io_lock) for a request's 5 s times the hundreds a description can take. QEMU needs ~50 ms.
 * The default of handshake_timeout_ms. */
#define HANDSHAKE_TIMEOUT_MS 30000
/* In a pipeline, how long replies may stall before the acks owed are sent on their own. */
#define ACK_STALL_MS       20
#define CONNECT_TIMEOUT_S  5
#define MAX_RETRANSMITS    3
#define MAX_PAYLOAD        (1 << 20)
/* What the stub announces becomes allocations (a register cache per core, a value per core and
 * register in every snapshot): a real target has a handful to a few hundred cores (QEMU's virt
 * board stops at 512) and a few hundred registers (hs-tdesc.h bounds those). */
#define MAX_THREADS        512
#define MAX_REGISTER_VALUES (1u << 20)   /* cores x registers: 16 MiB of register cache */
/* The length each qXfer request asks for: a reply to it may not be longer. */
#define XFER_CHUNK         0xffbu
/* QEMU refuses 'm' reads over 0x800 bytes (E22). */
#define MEM_CHUNK          0x800u
/* Keeps an 'M' packet's hex under the stub's PacketSize. */
#define MEM_WRITE_CHUNK    0x400u
/* A halt's memory cache is dropped once it holds this much. */
#define MEM_CACHE_LIMIT    (64u << 20)
/* Small reads (page-table entries, a structure's fields) fetch a line this size: on QEMU's
 * stub a request costs ~30 us plus ~60 ns a byte of hex, so a whole chunk for 8 bytes
 * costs four times a line. */
#define MEM_LINE           0x100u
/* The lines a halt fetched that the next halt fetches at once, before its first small read. */
#define MAX_LINES_AHEAD    256u

typedef struct
{
  gint64 pid;
  gint64 tid;
} ThreadId;

/* When a request must be over, and how long that allowed (for the message). */
typedef struct
{
  gint64 end;                   /* monotonic microseconds; G_MAXINT64: never */
  guint ms;
} HsGdbDeadline;

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
  GHashTable *line_cache;       /* line address -> guint8[MEM_LINE], this halt */
  GArray *line_log;             /* guint64: the lines this halt fetched, in order */
  GArray *line_ahead;           /* guint64: the previous halt's, read ahead at the first small
                                 * read of this one (a guess: what was read is read again) */
  GHashTable *breakpoints;      /* address -> type + 1 */

  HsMutex io_lock;
  HsMutex write_lock;
  gint connected;               /* atomic */
  gint running;                 /* atomic */
  gint interrupt_sent;          /* atomic */
  gboolean multiprocess;
  gboolean phys_mode;
  gboolean is_qemu;             /* answers qqemu.Supported: pipelines, steps one core alone */
  gboolean saw_async_stop;
  gboolean step_pending;
  gint hg_core;                 /* the core 'Hg' last selected, -1 if unknown */
  /* The current call's (connect's, wait_stop's), set and cleared by it while it holds io_lock:
   * every wait on the stub gives up when it is cancelled, or at the call's deadline. */
  GCancellable *cancellable;
  gint64 call_deadline;         /* monotonic microseconds; G_MAXINT64: none */
  gboolean attaching;           /* set by connect around the handshake */
  /* Set before connect (_hs_gdb_set_timeouts), read by the io_lock holder. */
  guint reply_timeout_ms;
  guint handshake_timeout_ms;
  guint64 n_packets;
  guint64 n_round_trips;        /* waits for the stub: one per request, one per pipeline batch */
};

/* One reply of a pipeline, in request order; FALSE (with @error) fails the pipeline, whose
 * remaining replies are still read and dropped. */
typedef gboolean (*HsGdbReplyFunc) (guint         index,
                                    const char   *reply,
                                    gsize         len,
                                    gpointer      user_data,
                                    GError      **error);

gboolean _hs_gdb_check_core         (HsProbeGdb  *self,
                                     guint        core,
                                     GError     **error);
gboolean _hs_gdb_check_error_reply  (HsProbeGdb  *self,
                                     const char  *what,
                                     const char  *reply,
                                     GError     **error);
gboolean _hs_gdb_check_halted       (HsProbeGdb  *self,
                                     GError     **error);
gint     _hs_gdb_core_for_thread    (HsProbeGdb *self,
                                     gint64      pid,
                                     gint64      tid);
char     *_hs_gdb_format_thread     (HsProbeGdb *self,
                                     guint       core);
void     _hs_gdb_invalidate_caches  (HsProbeGdb *self);
void     _hs_gdb_memory_init        (HsProbeGdb *self);
void     _hs_gdb_memory_clear       (HsProbeGdb *self);
/* Drops what memory the cache holds; @resumed: the target ran, so what this halt read becomes
 * the next halt's read-ahead. */
void     _hs_gdb_memory_forget      (HsProbeGdb *self,
                                     gboolean    resumed);
void     _hs_gdb_mark_lost          (HsProbeGdb *self);
/* Closes the connection and marks it lost: the io_lock holder (the socket's reader), or
 * disconnect while a wait for a stop holds io_lock. */
void     _hs_gdb_close              (HsProbeGdb *self);
/* A request's and the handshake's time, in ms (0 keeps the default): for the tests and the
 * fuzzer, whose stubs go silent on purpose. Call before connecting. */
void     _hs_gdb_set_timeouts       (HsProbeGdb *self,
                                     guint       reply_ms,
                                     guint       handshake_ms);
/* @timeout_ms from now (G_MAXUINT: none), and never past the current call's deadline. */
HsGdbDeadline _hs_gdb_deadline      (HsProbeGdb    *self,
                                     guint          timeout_ms);
char     *_hs_gdb_read_reply        (HsProbeGdb    *self,
                                     gboolean       want_stop,
                                     HsGdbDeadline  deadline,
                                     gsize         *out_len,
                                     GError       **error);
char     *_hs_gdb_request           (HsProbeGdb  *self,
                                     const char  *payload,
                                     GError     **error);
char     *_hs_gdb_request_len       (HsProbeGdb  *self,
                                     const char  *payload,
                                     gsize       *out_len,
                                     GError     **error);
gboolean _hs_gdb_pipeline           (HsProbeGdb      *self,
                                     char * const    *payloads,
                                     guint            n,
                                     guint            window,
                                     HsGdbReplyFunc   take,
                                     gpointer         user_data,
                                     GError         **error);
gboolean _hs_gdb_request_ok         (HsProbeGdb  *self,
                                     const char  *payload,
                                     const char  *what,
                                     GError     **error);
gboolean _hs_gdb_select_core        (HsProbeGdb  *self,
                                     guint        core,
                                     GError     **error);
gboolean _hs_gdb_send_packet        (HsProbeGdb    *self,
                                     const char    *payload,
                                     HsGdbDeadline  deadline,
                                     GError       **error);
gboolean _hs_gdb_send_raw           (HsProbeGdb    *self,
                                     const guint8  *data,
                                     gsize          len,
                                     GError       **error);

/* Each part fills in the HsProbe methods it implements. */
void     _hs_gdb_registers_iface_init (HsProbeInterface *iface);
void     _hs_gdb_memory_iface_init    (HsProbeInterface *iface);
void     _hs_gdb_run_iface_init       (HsProbeInterface *iface);

G_END_DECLS
