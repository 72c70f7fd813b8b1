/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-location.c: the one place that turns where a probe is into a probe.
 *
 * Today a location is a gdbstub's "HOST:PORT" ("[v6addr]:PORT", ":PORT"); a USB
 * probe or a saved snapshot will be other forms of the same string.
 */
#define G_LOG_DOMAIN "hs-probe"

#include "config.h"

#include "hs-probe.h"
#include "hs-probe-gdb.h"

HsProbe *
hs_probe_new_for_location (const char  *location,
                           GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  g_return_val_if_fail (location != NULL, NULL);

  if (!hs_probe_gdb_parse_location (location, &host, &port, error))
    return NULL;
  return HS_PROBE (hs_probe_gdb_new (host, port));
}
