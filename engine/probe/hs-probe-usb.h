/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-probe-usb.h: which debug probes are plugged in (CMSIS-DAP, J-Link,
 * ST-Link, ...), found with libusb by vendor/product id and product name.
 * Talking to them goes through their GDB servers (HsProbeGdb).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *kind;        /* "J-Link", "ST-Link/V2", "CMSIS-DAP", ... */
  char *product;     /* the device's own product string, if readable */
  char *serial;      /* may be NULL without permission to open the device */
  guint16 vendor_id;
  guint16 product_id;
  guint8 bus;
  guint8 address;
} HsUsbProbe;

void        hs_usb_probe_free        (HsUsbProbe   *probe);
/* The kind of debug probe a device is, or NULL if it is not one we know. */
const char *hs_probe_usb_classify    (guint16       vendor_id,
                                      guint16       product_id,
                                      const char   *product);
GPtrArray  *hs_probe_usb_list        (GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsUsbProbe, hs_usb_probe_free)

G_END_DECLS
