/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-probe-usb"

#include "config.h"

#include "hs-probe-usb.h"
#include "hs-probe.h"

#include <gio/gio.h>
#include <libusb.h>
#include <string.h>

static const struct
{
  guint16 vid;
  guint16 pid;         /* 0 = any product of the vendor */
  const char *kind;
} known_probes[] = {
  { 0x1366, 0, "J-Link" },
  { 0x0483, 0x3748, "ST-Link/V2" },
  { 0x0483, 0x374b, "ST-Link/V2-1" },
  { 0x0483, 0x374e, "ST-Link/V3" },
  { 0x0483, 0x374f, "ST-Link/V3" },
  { 0x0483, 0x3753, "ST-Link/V3" },
  { 0x0897, 0, "Lauterbach" },
  { 0x0d28, 0x0204, "CMSIS-DAP (DAPLink)" },
  { 0x15ba, 0, "Olimex ARM-USB" },
  { 0x0403, 0x6010, "FTDI FT2232 (JTAG)" },
  { 0x0403, 0x6014, "FTDI FT232H (JTAG)" },
};

void
hs_usb_probe_free (HsUsbProbe *probe)
{
  if (probe == NULL)
    return;
  g_free (probe->kind);
  g_free (probe->product);
  g_free (probe->serial);
  g_free (probe);
}

const char *
hs_probe_usb_classify (guint16     vendor_id,
                       guint16     product_id,
                       const char *product)
{
  /* CMSIS-DAP has no fixed ids: the specification asks for the name in the product string. */
  if (product && strstr (product, "CMSIS-DAP"))
    return "CMSIS-DAP";
  for (guint i = 0; i < G_N_ELEMENTS (known_probes); i++)
    if (known_probes[i].vid == vendor_id
        && (known_probes[i].pid == 0 || known_probes[i].pid == product_id))
      return known_probes[i].kind;
  return NULL;
}

static char *
read_string (libusb_device_handle *handle,
             guint8                index)
{
  unsigned char buf[256];
  int n;

  if (handle == NULL || index == 0)
    return NULL;
  n = libusb_get_string_descriptor_ascii (handle, index, buf, sizeof buf - 1);
  if (n <= 0)
    return NULL;
  buf[n] = 0;
  return g_strdup ((const char *) buf);
}

GPtrArray *
hs_probe_usb_list (GError **error)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_usb_probe_free);
  libusb_context *ctx = NULL;
  libusb_device **list = NULL;
  ssize_t n;
  int rc;

  rc = libusb_init (&ctx);
  if (rc != 0)
    {
      /* No USB at all (a container, say) is not an error: there are no probes. */
      g_debug ("libusb_init: %s", libusb_strerror (rc));
      return g_steal_pointer (&probes);
    }
  n = libusb_get_device_list (ctx, &list);
  if (n < 0)
    {
      g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_FAILED, "cannot list USB devices: %s",
                   libusb_strerror ((int) n));
      libusb_exit (ctx);
      return NULL;
    }
  for (ssize_t i = 0; i < n; i++)
    {
      struct libusb_device_descriptor desc;
      libusb_device_handle *handle = NULL;
      g_autofree char *product = NULL;
      const char *kind;
      HsUsbProbe *probe;

      if (libusb_get_device_descriptor (list[i], &desc) != 0)
        continue;
      /* Opening needs permissions we may lack; the ids alone still identify most probes. */
      if (libusb_open (list[i], &handle) != 0)
        handle = NULL;
      product = read_string (handle, desc.iProduct);
      kind = hs_probe_usb_classify (desc.idVendor, desc.idProduct, product);
      if (kind == NULL)
        {
          if (handle)
            libusb_close (handle);
          continue;
        }
      probe = g_new0 (HsUsbProbe, 1);
      probe->kind = g_strdup (kind);
      probe->product = g_steal_pointer (&product);
      probe->serial = read_string (handle, desc.iSerialNumber);
      probe->vendor_id = desc.idVendor;
      probe->product_id = desc.idProduct;
      probe->bus = libusb_get_bus_number (list[i]);
      probe->address = libusb_get_device_address (list[i]);
      g_ptr_array_add (probes, probe);
      if (handle)
        libusb_close (handle);
    }
  libusb_free_device_list (list, 1);
  libusb_exit (ctx);
  return g_steal_pointer (&probes);
}
