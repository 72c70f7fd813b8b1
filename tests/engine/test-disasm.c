/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hs-arm64.h"
#include "hs-disasm.h"

static void
test_words (void)
{
  /* nop; ret; bl +0x40; b -8; cbz x0, +0x10; and a word no A64 encoding uses. */
  static const guint8 code[] = {
    0x1f, 0x20, 0x03, 0xd5,
    0xc0, 0x03, 0x5f, 0xd6,
    0x10, 0x00, 0x00, 0x94,
    0xfe, 0xff, 0xff, 0x17,
    0x80, 0x00, 0x00, 0xb4,
    0xff, 0xff, 0xff, 0xff,
    0x00, 0x00,              /* a trailing half word is not an instruction */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) insns = hs_disasm_arm64 (code, sizeof code, 0x1000, &error);
  const HsInstruction *i;

  g_assert_no_error (error);
  g_assert_nonnull (insns);
  g_assert_cmpuint (insns->len, ==, 6);

  i = &g_array_index (insns, HsInstruction, 0);
  g_assert_cmpstr (i->mnemonic, ==, "nop");
  g_assert_cmphex (i->word, ==, 0xd503201f);
  g_assert_false (i->is_branch);

  i = &g_array_index (insns, HsInstruction, 1);
  g_assert_cmpstr (i->mnemonic, ==, "ret");

  i = &g_array_index (insns, HsInstruction, 2);
  g_assert_cmpstr (i->mnemonic, ==, "bl");
  g_assert_true (i->is_branch);
  g_assert_true (i->is_call);
  g_assert_cmphex (i->target, ==, 0x1008 + 0x40);

  i = &g_array_index (insns, HsInstruction, 3);
  g_assert_cmpstr (i->mnemonic, ==, "b");
  g_assert_false (i->is_call);
  g_assert_cmphex (i->target, ==, 0x100c - 8);

  i = &g_array_index (insns, HsInstruction, 4);
  g_assert_cmpstr (i->mnemonic, ==, "cbz");
  g_assert_cmphex (i->target, ==, 0x1010 + 0x10);

  /* Undecodable words are shown, not skipped: the listing stays aligned. */
  i = &g_array_index (insns, HsInstruction, 5);
  g_assert_cmphex (i->address, ==, 0x1014);
  g_assert_cmpstr (i->mnemonic, ==, ".inst");
  g_assert_cmpstr (i->operands, ==, "0xffffffff");
}

/* Step.Over runs these to their return; everything else is one step. */
static void
test_calls (void)
{
  g_assert_true (hs_arm64_is_call (0x94000010));   /* bl  .+0x40 */
  g_assert_true (hs_arm64_is_call (0x97ffffff));   /* bl  .-4 */
  g_assert_true (hs_arm64_is_call (0xd63f0020));   /* blr x1 */
  g_assert_false (hs_arm64_is_call (0x14000010));  /* b   .+0x40 */
  g_assert_false (hs_arm64_is_call (0xd61f0020));  /* br  x1 */
  g_assert_false (hs_arm64_is_call (0xd65f03c0));  /* ret */
  g_assert_false (hs_arm64_is_call (0xd503201f));  /* nop */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/Disasm/words", test_words);
  g_test_add_func ("/Hs/Disasm/calls", test_calls);
  return g_test_run ();
}
