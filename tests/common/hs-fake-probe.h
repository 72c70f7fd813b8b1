/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-fake-probe.h: a scripted HsProbe for tests of run control without a board.
 *
 * It has cores with AArch64 register names, physical memory the test fills,
 * and a script of stops: each resume takes the next scripted stop (after its
 * delay), a Break stops after the halt delay, and the connection can drop
 * after a number of reads. Software breakpoints are real: planting one writes
 * a BRK into memory and lifting it restores the word, so a test can check
 * that nobody ever read memory with a BRK in it, and a core that runs or
 * steps with a BRK at its pc traps at once, as a real one does. Every call
 * is counted.
 *
 * The engine calls it from its worker thread while the test inspects it from
 * the main thread: all state is under one mutex.
 */
#pragma once

#include "hs-probe.h"

G_BEGIN_DECLS

#define HS_TYPE_FAKE_PROBE (hs_fake_probe_get_type ())
G_DECLARE_FINAL_TYPE (HsFakeProbe, hs_fake_probe, HS, FAKE_PROBE, GObject)

#define HS_FAKE_BRK 0xd4200000u  /* BRK #0 */

HsFakeProbe *hs_fake_probe_new               (guint         n_cores);
/* How the target is found at connect: running (QEMU stops it; attach must let it go). */
void         hs_fake_probe_set_running       (HsFakeProbe  *self,
                                              gboolean      running);
void         hs_fake_probe_set_register      (HsFakeProbe  *self,
                                              guint         core,
                                              const char   *name,
                                              guint64       value);
guint64      hs_fake_probe_get_register      (HsFakeProbe  *self,
                                              guint         core,
                                              const char   *name);
void         hs_fake_probe_write              (HsFakeProbe  *self,
                                              guint64       phys,
                                              const void   *data,
                                              gsize         len);
guint32      hs_fake_probe_read_word          (HsFakeProbe  *self,
                                              guint64       phys);
/* After the next resume, @core stops at @pc (a breakpoint there or a plain stop) after
 * @delay_ms; queued stops are used one per resume, in order. */
void         hs_fake_probe_queue_stop        (HsFakeProbe  *self,
                                              guint         delay_ms,
                                              guint         core,
                                              HsStopReason  reason,
                                              guint64       pc);
/* How long an interrupt takes to become a stop (a busy host). */
void         hs_fake_probe_set_halt_delay    (HsFakeProbe  *self,
                                              guint         delay_ms);
/* Refuse 'D' the way a stub in another dialect does: detach then resumes explicitly. */
void         hs_fake_probe_set_refuse_detach (HsFakeProbe  *self,
                                              gboolean      refuse);
/* The connection drops at the @n-th memory or register read from now (1: the next). */
void         hs_fake_probe_drop_at_read      (HsFakeProbe  *self,
                                              guint         n);
/* The connection drops now (a killed QEMU); a waiting wait_stop() fails at once. */
void         hs_fake_probe_drop              (HsFakeProbe  *self);

/* "connect", "resume", "step", "interrupt", "detach", "insert", "remove", "stop", "read"
 * (registers or memory), "read-while-planted" (memory, with a BRK of ours in it),
 * "resume-onto-brk" and "step-onto-brk" (a core ran with one of our BRKs at its pc, and
 * trapped at once), "interrupt-while-halted" (ignored, as QEMU does): how often each
 * happened. */
guint        hs_fake_probe_count             (HsFakeProbe  *self,
                                              const char   *what);
gboolean     hs_fake_probe_is_running        (HsFakeProbe  *self);
gboolean     hs_fake_probe_is_connected_now  (HsFakeProbe  *self);
guint        hs_fake_probe_get_n_planted     (HsFakeProbe  *self);

G_END_DECLS
