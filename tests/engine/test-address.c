/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "hs-address.h"
#include "hs-command.h"

typedef struct
{
  const char *text;
  HsAccessClass access;
  gboolean has_machine;
  guint machine;
  gboolean has_space;
  guint64 space;
  const char *expression;
} Good;

static void
test_forms (void)
{
  static const Good good[] = {
    { "2:::0x1f3::0xffff800008000000", HS_ACCESS_VIRTUAL, TRUE, 2, TRUE, 0x1f3,
      "0xffff800008000000" },
    { "2:::init_task", HS_ACCESS_VIRTUAL, TRUE, 2, FALSE, 0, "init_task" },
    { "0x1f3::0x4005d0", HS_ACCESS_VIRTUAL, FALSE, 0, TRUE, 0x1f3, "0x4005d0" },
    { "linux_banner+0x10", HS_ACCESS_VIRTUAL, FALSE, 0, FALSE, 0, "linux_banner+0x10" },
    { "A:0x40200000", HS_ACCESS_PHYSICAL, FALSE, 0, FALSE, 0, "0x40200000" },
    { "a:0x40200000", HS_ACCESS_PHYSICAL, FALSE, 0, FALSE, 0, "0x40200000" },
    { "I:2:::0x41000000", HS_ACCESS_INTERMEDIATE, TRUE, 2, FALSE, 0, "0x41000000" },
    { "10.:::0x5a::0", HS_ACCESS_VIRTUAL, TRUE, 10, TRUE, 0x5a, "0" },
    { "  1:::0::do_nanosleep  ", HS_ACCESS_VIRTUAL, TRUE, 1, TRUE, 0, "do_nanosleep" },
    /* Prefixes come before any call or string: a function's argument keeps its own. */
    { "Var.SIZEOF(2:::init_task.comm)", HS_ACCESS_VIRTUAL, FALSE, 0, FALSE, 0,
      "Var.SIZEOF(2:::init_task.comm)" },
    { "2:::Var.VALUE(3:::0x5a::p)+4", HS_ACCESS_VIRTUAL, TRUE, 2, FALSE, 0,
      "Var.VALUE(3:::0x5a::p)+4" },
    { "2:::&((struct task_struct *)0)->tasks", HS_ACCESS_VIRTUAL, TRUE, 2, FALSE, 0,
      "&((struct task_struct *)0)->tasks" },
    { "Data.Long(\"1:::jiffies\")", HS_ACCESS_VIRTUAL, FALSE, 0, FALSE, 0,
      "Data.Long(\"1:::jiffies\")" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      HsAddressSpec spec;
      g_autoptr(GError) error = NULL;

      g_assert_true (hs_address_spec_parse (good[i].text, &spec, &error));
      g_assert_no_error (error);
      g_assert_cmpint (spec.access, ==, good[i].access);
      g_assert_cmpint (spec.has_machine, ==, good[i].has_machine);
      g_assert_cmpuint (spec.machine, ==, good[i].machine);
      g_assert_cmpint (spec.has_space, ==, good[i].has_space);
      g_assert_cmphex (spec.space, ==, good[i].space);
      g_assert_cmpstr (spec.expression, ==, good[i].expression);
      hs_address_spec_clear (&spec);
    }
}

static void
test_errors (void)
{
  static const struct { const char *text; const char *says; } bad[] = {
    { "", "no address" },
    { "2:::", "no address" },
    { ":::0x1000", "machine" },
    { "x:::0x1000", "machine 'x' is not a number" },
    { "2:::zz::0x10", "space 'zz' is not a number" },
    { "A:2:::0x1000", "A: addresses are host physical" },
    { "I:2:::5::0x1000", "I: addresses are guest physical" },
    { "Q:0x1000", "unknown access class 'Q:'" },
    { "0x10::2:::0x1000", "machine '0x10::2' is not a number" },
    { "2:::0x1::0x2::0x3", "in that order" },
    { "0x100000000:::0", "out of range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      HsAddressSpec spec;
      g_autoptr(GError) error = NULL;

      g_assert_false (hs_address_spec_parse (bad[i].text, &spec, &error));
      g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT);
      if (strstr (error->message, bad[i].says) == NULL)
        g_error ("'%s': '%s' does not say '%s'", bad[i].text, error->message, bad[i].says);
    }
}

/* What is printed can be typed back in and means the same. */
static void
test_round_trip (void)
{
  static const HsAddress addresses[] = {
    { HS_ACCESS_VIRTUAL, 2, 0x1f3, G_GUINT64_CONSTANT (0xffff800008000000) },
    { HS_ACCESS_VIRTUAL, 0, 0, 0x2fa060 },
    { HS_ACCESS_PHYSICAL, 0, 0, 0x40274000 },
    { HS_ACCESS_INTERMEDIATE, 1, 0, 0x41000000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autofree char *text = hs_address_format (&addresses[i]);
      HsAddressSpec spec;
      guint64 offset;
      char *end;

      g_assert_true (hs_address_spec_parse (text, &spec, NULL));
      g_assert_cmpint (spec.access, ==, addresses[i].access);
      if (addresses[i].access != HS_ACCESS_PHYSICAL)
        g_assert_cmpuint (spec.machine, ==, addresses[i].machine);
      if (addresses[i].access == HS_ACCESS_VIRTUAL)
        g_assert_cmphex (spec.space, ==, addresses[i].space);
      offset = g_ascii_strtoull (spec.expression, &end, 16);
      g_assert_cmpint (*end, ==, 0);
      g_assert_cmphex (offset, ==, addresses[i].offset);
      hs_address_spec_clear (&spec);
    }
  g_assert_true (hs_address_range_wraps (G_MAXUINT64, 2));
  g_assert_false (hs_address_range_wraps (G_MAXUINT64, 1));
  g_assert_false (hs_address_range_wraps (0, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/Address/forms", test_forms);
  g_test_add_func ("/Hs/Address/errors", test_errors);
  g_test_add_func ("/Hs/Address/round-trip", test_round_trip);
  return g_test_run ();
}
