/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-tdesc.c: target descriptions (hs-tdesc.c), with included files served
 * by a fetch callback the way the probe serves them from qXfer.
 */
#define G_LOG_DOMAIN "test-tdesc"

#include "config.h"

#include "hs-tdesc.h"

#include <gio/gio.h>
#include <string.h>

/* QEMU's target.xml for aarch64: a prologue, then includes. */
static const char target_xml[] =
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
  "<target>\n"
  "  <architecture>aarch64</architecture>\n"
  "  <xi:include href=\"aarch64-core.xml\"/>\n"
  "  <xi:include href=\"system-registers.xml\"/>\n"
  "</target>\n";

/* GDB's aarch64-core.xml as QEMU ships it: no regnum attributes, a flags type. */
static const char core_xml[] =
  "<?xml version=\"1.0\"?>\n"
  "<!-- Copyright (C) 2009-2012 Free Software Foundation, Inc.\n"
  "     Contributed by ARM Ltd.\n"
  "\n"
  "     Copying and distribution of this file, with or without modification,\n"
  "     are permitted in any medium without royalty provided the copyright\n"
  "     notice and this notice are preserved.  -->\n"
  "\n"
  "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
  "<feature name=\"org.gnu.gdb.aarch64.core\">\n"
  "  <reg name=\"x0\" bitsize=\"64\"/>\n"
  "  <reg name=\"x1\" bitsize=\"64\"/>\n"
  "  <reg name=\"x2\" bitsize=\"64\"/>\n"
  "  <reg name=\"x3\" bitsize=\"64\"/>\n"
  "  <reg name=\"x4\" bitsize=\"64\"/>\n"
  "  <reg name=\"x5\" bitsize=\"64\"/>\n"
  "  <reg name=\"x6\" bitsize=\"64\"/>\n"
  "  <reg name=\"x7\" bitsize=\"64\"/>\n"
  "  <reg name=\"x8\" bitsize=\"64\"/>\n"
  "  <reg name=\"x9\" bitsize=\"64\"/>\n"
  "  <reg name=\"x10\" bitsize=\"64\"/>\n"
  "  <reg name=\"x11\" bitsize=\"64\"/>\n"
  "  <reg name=\"x12\" bitsize=\"64\"/>\n"
  "  <reg name=\"x13\" bitsize=\"64\"/>\n"
  "  <reg name=\"x14\" bitsize=\"64\"/>\n"
  "  <reg name=\"x15\" bitsize=\"64\"/>\n"
  "  <reg name=\"x16\" bitsize=\"64\"/>\n"
  "  <reg name=\"x17\" bitsize=\"64\"/>\n"
  "  <reg name=\"x18\" bitsize=\"64\"/>\n"
  "  <reg name=\"x19\" bitsize=\"64\"/>\n"
  "  <reg name=\"x20\" bitsize=\"64\"/>\n"
  "  <reg name=\"x21\" bitsize=\"64\"/>\n"
  "  <reg name=\"x22\" bitsize=\"64\"/>\n"
  "  <reg name=\"x23\" bitsize=\"64\"/>\n"
  "  <reg name=\"x24\" bitsize=\"64\"/>\n"
  "  <reg name=\"x25\" bitsize=\"64\"/>\n"
  "  <reg name=\"x26\" bitsize=\"64\"/>\n"
  "  <reg name=\"x27\" bitsize=\"64\"/>\n"
  "  <reg name=\"x28\" bitsize=\"64\"/>\n"
  "  <reg name=\"x29\" bitsize=\"64\"/>\n"
  "  <reg name=\"x30\" bitsize=\"64\"/>\n"
  "  <reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
  "  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
  "  <flags id=\"cpsr_flags\" size=\"4\">\n"
  "    <field name=\"SP\" start=\"0\" end=\"0\"/>\n"
  "    <field name=\"EL\" start=\"2\" end=\"3\"/>\n"
  "    <field name=\"nRW\" start=\"4\" end=\"4\"/>\n"
  "    <field name=\"D\" start=\"9\" end=\"9\"/>\n"
  "    <field name=\"V\" start=\"28\" end=\"28\"/>\n"
  "    <field name=\"N\" start=\"31\" end=\"31\"/>\n"
  "  </flags>\n"
  "  <reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>\n"
  "</feature>\n";

/* QEMU generates this one; its register numbers follow a hash table, not the document. */
static const char sysregs_xml[] =
  "<?xml version=\"1.0\"?>"
  "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
  "<feature name=\"org.qemu.gdb.arm64.sys.regs\">"
  "<reg name=\"VTTBR_EL2\" bitsize=\"64\" regnum=\"68\" type=\"uint64\" group=\"system\"/>"
  "<reg name=\"HCR_EL2\" bitsize=\"64\" regnum=\"70\" type=\"uint64\" group=\"system\"/>"
  "<reg name=\"TCR_EL1\" bitsize=\"64\" regnum=\"69\" type=\"uint64\" group=\"system\"/>"
  "</feature>";

typedef struct
{
  const char *annex;
  const char *text;
} Annex;

typedef struct
{
  const Annex *annexes;
  guint n_annexes;
  guint n_calls;
  GPtrArray *requested;
} Server;

static char *
fetch (const char  *annex,
       gpointer     user_data,
       GError     **error)
{
  Server *server = user_data;

  server->n_calls++;
  g_ptr_array_add (server->requested, g_strdup (annex));
  for (guint i = 0; i < server->n_annexes; i++)
    if (strcmp (server->annexes[i].annex, annex) == 0)
      return g_strdup (server->annexes[i].text);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "the stub has no annex %s", annex);
  return NULL;
}

static void
server_init (Server      *server,
             const Annex *annexes,
             guint        n_annexes)
{
  server->annexes = annexes;
  server->n_annexes = n_annexes;
  server->n_calls = 0;
  server->requested = g_ptr_array_new_with_free_func (g_free);
}

static void
server_clear (Server *server)
{
  g_clear_pointer (&server->requested, g_ptr_array_unref);
}

static const HsTdescReg *
reg_at (const HsTdesc *tdesc,
        guint          i)
{
  g_assert_cmpuint (i, <, tdesc->regs->len);
  return &g_array_index (tdesc->regs, HsTdescReg, i);
}

static void
test_qemu_aarch64 (void)
{
  static const Annex annexes[] = {
    { "aarch64-core.xml", core_xml },
    { "system-registers.xml", sysregs_xml },
  };
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;
  const HsTdescReg *r;

  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (target_xml, fetch, &server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tdesc);

  /* Both includes were fetched, in document order. */
  g_assert_cmpuint (server.n_calls, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (server.requested, 0), ==, "aarch64-core.xml");
  g_assert_cmpstr (g_ptr_array_index (server.requested, 1), ==, "system-registers.xml");

  g_assert_cmpstr (tdesc->architecture, ==, "aarch64");
  /* x0..x30, sp, pc, cpsr, then three system registers. */
  g_assert_cmpuint (tdesc->regs->len, ==, 34 + 3);

  /* Implicit numbering: each register takes the number after the previous one. */
  for (guint i = 0; i <= 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      r = reg_at (tdesc, i);
      g_assert_cmpstr (r->name, ==, name);
      g_assert_cmpuint (r->regnum, ==, i);
      g_assert_cmpuint (r->bitsize, ==, 64);
      g_assert_cmpstr (r->feature, ==, "org.gnu.gdb.aarch64.core");
      g_assert_null (r->group);
    }
  r = reg_at (tdesc, 31);
  g_assert_cmpstr (r->name, ==, "sp");
  g_assert_cmpuint (r->regnum, ==, 31);
  g_assert_cmpstr (r->type, ==, "data_ptr");
  r = reg_at (tdesc, 32);
  g_assert_cmpstr (r->name, ==, "pc");
  g_assert_cmpuint (r->regnum, ==, 32);
  g_assert_cmpstr (r->type, ==, "code_ptr");
  /* The <flags> element between pc and cpsr is no register and takes no number. */
  r = reg_at (tdesc, 33);
  g_assert_cmpstr (r->name, ==, "cpsr");
  g_assert_cmpuint (r->regnum, ==, 33);
  g_assert_cmpuint (r->bitsize, ==, 32);
  g_assert_cmpstr (r->type, ==, "cpsr_flags");

  /* Explicit numbers are kept as given, whatever their order. */
  r = reg_at (tdesc, 34);
  g_assert_cmpstr (r->name, ==, "VTTBR_EL2");
  g_assert_cmpuint (r->regnum, ==, 68);
  g_assert_cmpstr (r->feature, ==, "org.qemu.gdb.arm64.sys.regs");
  g_assert_cmpstr (r->group, ==, "system");
  g_assert_cmpstr (r->type, ==, "uint64");
  r = reg_at (tdesc, 35);
  g_assert_cmpstr (r->name, ==, "HCR_EL2");
  g_assert_cmpuint (r->regnum, ==, 70);
  r = reg_at (tdesc, 36);
  g_assert_cmpstr (r->name, ==, "TCR_EL1");
  g_assert_cmpuint (r->regnum, ==, 69);
  g_assert_cmpuint (r->bitsize, ==, 64);

  /* Lookup ignores case. */
  r = hs_tdesc_lookup (tdesc, "PC");
  g_assert_nonnull (r);
  g_assert_cmpuint (r->regnum, ==, 32);
  r = hs_tdesc_lookup (tdesc, "tcr_el1");
  g_assert_nonnull (r);
  g_assert_cmpuint (r->regnum, ==, 69);
  g_assert_null (hs_tdesc_lookup (tdesc, "x31"));

  server_clear (&server);
}

static void
test_implicit_after_explicit (void)
{
  static const char xml[] =
    "<target><feature name=\"f\">"
    "<reg name=\"a\" bitsize=\"64\"/>"
    "<reg name=\"b\" bitsize=\"64\" regnum=\"10\"/>"
    "<reg name=\"c\" bitsize=\"32\"/>"
    "<reg name=\"d\" bitsize=\"128\" regnum=\"5\"/>"
    "<reg name=\"e\" bitsize=\"8\"/>"
    "</feature></target>";
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, NULL, 0);
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tdesc);
  g_assert_cmpuint (server.n_calls, ==, 0);
  g_assert_null (tdesc->architecture);
  g_assert_cmpuint (tdesc->regs->len, ==, 5);
  g_assert_cmpuint (reg_at (tdesc, 0)->regnum, ==, 0);
  g_assert_cmpuint (reg_at (tdesc, 1)->regnum, ==, 10);
  /* Numbering continues after the previous register, explicit or not. */
  g_assert_cmpuint (reg_at (tdesc, 2)->regnum, ==, 11);
  g_assert_cmpuint (reg_at (tdesc, 2)->bitsize, ==, 32);
  g_assert_cmpuint (reg_at (tdesc, 3)->regnum, ==, 5);
  g_assert_cmpuint (reg_at (tdesc, 3)->bitsize, ==, 128);
  g_assert_cmpuint (reg_at (tdesc, 4)->regnum, ==, 6);
  g_assert_cmpuint (reg_at (tdesc, 4)->bitsize, ==, 8);
  g_assert_cmpstr (reg_at (tdesc, 4)->feature, ==, "f");
  server_clear (&server);
}

/* Numbering carries across included files, as GDB numbers them. */
static void
test_numbering_across_includes (void)
{
  static const Annex annexes[] = {
    { "a.xml", "<feature name=\"A\"><reg name=\"a0\" bitsize=\"64\"/>"
               "<reg name=\"a1\" bitsize=\"64\"/></feature>" },
    { "b.xml", "<feature name=\"B\"><reg name=\"b0\" bitsize=\"32\"/></feature>" },
  };
  static const char xml[] =
    "<target><xi:include href=\"a.xml\"/><xi:include href=\"b.xml\"/></target>";
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tdesc->regs->len, ==, 3);
  g_assert_cmpstr (reg_at (tdesc, 2)->name, ==, "b0");
  g_assert_cmpuint (reg_at (tdesc, 2)->regnum, ==, 2);
  g_assert_cmpstr (reg_at (tdesc, 0)->feature, ==, "A");
  g_assert_cmpstr (reg_at (tdesc, 2)->feature, ==, "B");
  server_clear (&server);
}

static void
test_prologue (void)
{
  /* An XML declaration, comments (one with markup-like text in it) and a DOCTYPE. */
  static const char xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- Registers <x0> to <x30> are 64 bits wide; cpsr > 0 -->\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <!-- a comment inside -->\n"
    "  <architecture> aarch64 </architecture>\n"
    "  <feature name=\"org.gnu.gdb.aarch64.core\">\n"
    "    <reg name=\"x0\" bitsize=\"64\"/>\n"
    "  </feature>\n"
    "</target>\n";
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, NULL, 0);
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tdesc);
  g_assert_cmpstr (tdesc->architecture, ==, "aarch64");
  g_assert_cmpuint (tdesc->regs->len, ==, 1);
  g_assert_cmpstr (reg_at (tdesc, 0)->name, ==, "x0");
  server_clear (&server);
}

static void
test_include_recursion (void)
{
  static const Annex annexes[] = {
    { "loop.xml", "<?xml version=\"1.0\"?><!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
                  "<feature name=\"loop\"><xi:include href=\"loop.xml\"/></feature>" },
  };
  static const char xml[] = "<target><xi:include href=\"loop.xml\"/></target>";
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_null (tdesc);
  g_assert_nonnull (error);
  g_assert_true (strstr (error->message, "loop.xml") != NULL);
  /* Bounded: a handful of fetches, not one per stack frame until a crash. */
  g_assert_cmpuint (server.n_calls, >=, 1);
  g_assert_cmpuint (server.n_calls, <=, 8);
  server_clear (&server);
}

static void
test_fetch_error (void)
{
  static const Annex annexes[] = {
    { "aarch64-core.xml", core_xml },
  };
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  /* system-registers.xml is missing: the fetch error comes back, domain and code intact. */
  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (target_xml, fetch, &server, &error);
  g_assert_null (tdesc);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (strstr (error->message, "system-registers.xml") != NULL);
  g_assert_cmpuint (server.n_calls, ==, 2);
  server_clear (&server);
}

static void
test_no_registers (void)
{
  static const char *docs[] = {
    "<target><architecture>aarch64</architecture></target>",
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target/>",
    "<target><feature name=\"empty\"></feature></target>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      Server server;
      g_autoptr(GError) error = NULL;
      g_autoptr(HsTdesc) tdesc = NULL;

      server_init (&server, NULL, 0);
      tdesc = hs_tdesc_parse (docs[i], fetch, &server, &error);
      g_assert_null (tdesc);
      g_assert_nonnull (error);
      g_assert_true (strstr (error->message, "no registers") != NULL);
      server_clear (&server);
    }
}

static void
test_malformed (void)
{
  static const char *docs[] = {
    /* unclosed element */
    "<target><feature name=\"f\"><reg name=\"a\" bitsize=\"64\"></feature></target>",
    /* truncated document */
    "<target><feature name=\"f\"><reg name=\"a\" bitsize=\"64\"/>",
    /* not XML at all */
    "E01",
    "",
    /* <reg> without bitsize, with a bad bitsize, without a name, with a bad regnum */
    "<target><feature name=\"f\"><reg name=\"a\"/></feature></target>",
    "<target><feature name=\"f\"><reg name=\"a\" bitsize=\"sixty-four\"/></feature></target>",
    "<target><feature name=\"f\"><reg bitsize=\"64\"/></feature></target>",
    "<target><feature name=\"f\"><reg name=\"a\" bitsize=\"64\" regnum=\"-1\"/></feature></target>",
    "<target><feature name=\"f\">"
    "<reg name=\"a\" bitsize=\"64\" regnum=\"0x10\"/></feature></target>",
    /* signs: strtoull would read "-4294967295" as 1 */
    "<target><feature name=\"f\">"
    "<reg name=\"a\" bitsize=\"64\" regnum=\"-4294967295\"/></feature></target>",
    "<target><feature name=\"f\"><reg name=\"a\" bitsize=\"+64\"/></feature></target>",
    /* above 32 bits */
    "<target><feature name=\"f\">"
    "<reg name=\"a\" bitsize=\"64\" regnum=\"4294967296\"/></feature></target>",
    /* xi:include without href */
    "<target><xi:include/></target>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      Server server;
      g_autoptr(GError) error = NULL;
      g_autoptr(HsTdesc) tdesc = NULL;

      if (g_test_verbose ())
        g_test_message ("malformed: %s", docs[i]);
      server_init (&server, NULL, 0);
      tdesc = hs_tdesc_parse (docs[i], fetch, &server, &error);
      g_assert_null (tdesc);
      g_assert_nonnull (error);
      server_clear (&server);
    }
}

/* A malformed included file fails the whole parse and names the file. */
static void
test_malformed_include (void)
{
  static const Annex annexes[] = {
    { "aarch64-core.xml", "<feature name=\"x\"><reg name=\"x0\" bitsize=\"64\">" },
  };
  static const char xml[] = "<target><xi:include href=\"aarch64-core.xml\"/></target>";
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_null (tdesc);
  g_assert_nonnull (error);
  g_assert_true (strstr (error->message, "aarch64-core.xml") != NULL);
  server_clear (&server);
}

/* "<feature name=@name>" with @n_regs 64-bit registers, @n_includes includes of @child and
 * @pad bytes of comment. */
static char *
make_doc (const char *name,
          guint       n_regs,
          const char *child,
          guint       n_includes,
          gsize       pad)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "<feature name=\"%s\">", name);
  for (guint i = 0; i < n_regs; i++)
    g_string_append_printf (s, "<reg name=\"%s_r%u\" bitsize=\"64\"/>", name, i);
  for (guint i = 0; i < n_includes; i++)
    g_string_append_printf (s, "<xi:include href=\"%s\"/>", child);
  if (pad > 0)
    {
      g_string_append (s, "<!--");
      for (gsize i = 0; i < pad; i++)
        g_string_append_c (s, 'p');
      g_string_append (s, "-->");
    }
  g_string_append (s, "</feature>");
  return g_string_free (s, FALSE);
}

/* Parses @xml with @annexes to fetch, expecting it refused over a limit the message names as
 * @limit (and @also, when given); returns how many documents were fetched. */
static guint
assert_over_limit (const char  *xml,
                   const Annex *annexes,
                   guint        n_annexes,
                   const char  *limit,
                   const char  *also)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;
  Server server;
  guint n_calls;

  server_init (&server, annexes, n_annexes);
  tdesc = hs_tdesc_parse (xml, fetch, &server, &error);
  g_assert_null (tdesc);
  g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT);
  g_assert_nonnull (strstr (error->message, limit));
  if (also != NULL)
    g_assert_nonnull (strstr (error->message, also));
  n_calls = server.n_calls;
  server_clear (&server);
  return n_calls;
}

/* Six includes a level, four levels deep: 1554 fetches and 1296 registers from a few hundred
 * bytes, were it not for the cap on documents. */
static void
test_include_fan_out (void)
{
  g_autofree char *l1 = make_doc ("l1", 0, "l2.xml", 6, 0);
  g_autofree char *l2 = make_doc ("l2", 0, "l3.xml", 6, 0);
  g_autofree char *l3 = make_doc ("l3", 0, "l4.xml", 6, 0);
  g_autofree char *l4 = make_doc ("l4", 1, NULL, 0, 0);
  g_autofree char *xml = make_doc ("top", 0, "l1.xml", 6, 0);
  const Annex annexes[] = {
    { "l1.xml", l1 }, { "l2.xml", l2 }, { "l3.xml", l3 }, { "l4.xml", l4 },
  };
  g_autofree char *limit = g_strdup_printf ("%u documents", HS_TDESC_MAX_DOCUMENTS);

  /* target.xml counts as one. */
  g_assert_cmpuint (assert_over_limit (xml, annexes, G_N_ELEMENTS (annexes), limit, NULL), ==,
                    HS_TDESC_MAX_DOCUMENTS - 1);
}

/* Documents each under any per-file limit, too much together. */
static void
test_total_bytes (void)
{
  g_autofree char *big = make_doc ("big", 1, NULL, 0, HS_TDESC_MAX_BYTES / 3);
  g_autofree char *xml = make_doc ("top", 0, "big.xml", 4, 0);
  const Annex annexes[] = { { "big.xml", big } };
  g_autofree char *limit = g_strdup_printf ("larger than %u bytes in all", HS_TDESC_MAX_BYTES);

  /* Each is a little over a third of the total: the third copy goes past it. */
  g_assert_cmpuint (assert_over_limit (xml, annexes, G_N_ELEMENTS (annexes), limit, "big.xml"),
                    ==, 3);
}

/* The register cap holds over all documents; at the cap exactly, the description is fine. */
static void
test_total_registers (void)
{
  g_autofree char *half = make_doc ("half", HS_TDESC_MAX_REGS / 2, NULL, 0, 0);
  g_autofree char *two = make_doc ("top", 0, "half.xml", 2, 0);
  g_autofree char *three = make_doc ("top", 0, "half.xml", 3, 0);
  const Annex annexes[] = { { "half.xml", half } };
  g_autofree char *limit = g_strdup_printf ("more than %u registers", HS_TDESC_MAX_REGS);
  Server server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsTdesc) tdesc = NULL;

  server_init (&server, annexes, G_N_ELEMENTS (annexes));
  tdesc = hs_tdesc_parse (two, fetch, &server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tdesc->regs->len, ==, HS_TDESC_MAX_REGS);
  server_clear (&server);
  assert_over_limit (three, annexes, G_N_ELEMENTS (annexes), limit, NULL);
}

/* A register's size becomes buffer sizes and 'P' packets: whole bytes, and not absurd. */
static void
test_register_size (void)
{
  static const char *bad[] = { "0", "12", "2056", "1000000000" };
  static const char *good[] = { "8", "128", "2048" };
  Server server;

  server_init (&server, NULL, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad) + G_N_ELEMENTS (good); i++)
    {
      gboolean is_bad = i < G_N_ELEMENTS (bad);
      const char *bits = is_bad ? bad[i] : good[i - G_N_ELEMENTS (bad)];
      g_autofree char *xml = g_strdup_printf ("<target><feature name=\"f\">"
                                              "<reg name=\"v0\" bitsize=\"%s\"/>"
                                              "</feature></target>", bits);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsTdesc) tdesc = hs_tdesc_parse (xml, fetch, &server, &error);

      if (is_bad)
        {
          g_assert_null (tdesc);
          g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT);
          g_assert_nonnull (strstr (error->message, "v0"));
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (reg_at (tdesc, 0)->bitsize, ==, g_ascii_strtoull (bits, NULL, 10));
        }
    }
  server_clear (&server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Tdesc/qemu-aarch64", test_qemu_aarch64);
  g_test_add_func ("/Hs/Tdesc/implicit-after-explicit", test_implicit_after_explicit);
  g_test_add_func ("/Hs/Tdesc/numbering-across-includes", test_numbering_across_includes);
  g_test_add_func ("/Hs/Tdesc/prologue", test_prologue);
  g_test_add_func ("/Hs/Tdesc/include-recursion", test_include_recursion);
  g_test_add_func ("/Hs/Tdesc/fetch-error", test_fetch_error);
  g_test_add_func ("/Hs/Tdesc/no-registers", test_no_registers);
  g_test_add_func ("/Hs/Tdesc/malformed", test_malformed);
  g_test_add_func ("/Hs/Tdesc/malformed-include", test_malformed_include);
  g_test_add_func ("/Hs/Tdesc/include-fan-out", test_include_fan_out);
  g_test_add_func ("/Hs/Tdesc/total-bytes", test_total_bytes);
  g_test_add_func ("/Hs/Tdesc/total-registers", test_total_registers);
  g_test_add_func ("/Hs/Tdesc/register-size", test_register_size);

  return g_test_run ();
}
