/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-probe.h"

G_BEGIN_DECLS

#define HS_TYPE_PROBE_GDB (hs_probe_gdb_get_type ())
G_DECLARE_FINAL_TYPE (HsProbeGdb, hs_probe_gdb, HS, PROBE_GDB, GObject)

HsProbeGdb *hs_probe_gdb_new             (const char  *host,
                                          guint16      port);
gboolean    hs_probe_gdb_parse_location  (const char  *location,
                                          char       **host,
                                          guint16     *port,
                                          GError     **error);
const char *hs_probe_gdb_get_host        (HsProbeGdb  *self);
guint16     hs_probe_gdb_get_port        (HsProbeGdb  *self);
guint64     hs_probe_gdb_get_n_packets   (HsProbeGdb  *self);
guint64     hs_probe_gdb_get_n_round_trips (HsProbeGdb *self);
gboolean    hs_probe_gdb_read_virtual    (HsProbeGdb  *self,
                                          guint        core,
                                          guint64      va,
                                          guint8      *buf,
                                          gsize        len,
                                          GError     **error);

G_END_DECLS
