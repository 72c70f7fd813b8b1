/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-address.h: TRACE32's address syntax.
 *
 *   [A:|I:][machine:::][space::]offset
 *
 * "2:::0x1f3::0xffff800008000000" is address 0xffff800008000000 in address
 * space 0x1f3 of machine 2; "2:::init_task" resolves init_task in machine
 * 2's symbols; "A:0x40200000" is host physical; "I:2:::0x41000000" is guest
 * physical (intermediate) in machine 2. Splitting is pure syntax: the offset
 * stays an expression until it is evaluated in the machine it names.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HS_ACCESS_VIRTUAL,       /* no class: through the machine's MMU */
  HS_ACCESS_PHYSICAL,      /* A: host physical ("absolute") */
  HS_ACCESS_INTERMEDIATE,  /* I: guest physical, through the machine's stage 2 only */
} HsAccessClass;

typedef struct
{
  HsAccessClass access;
  gboolean has_machine;
  guint machine;
  gboolean has_space;
  guint64 space;
  char *expression;        /* the offset, unevaluated */
} HsAddressSpec;

typedef struct
{
  HsAccessClass access;
  guint machine;
  guint64 space;
  guint64 offset;
} HsAddress;

gboolean hs_address_spec_parse   (const char        *text,
                                  HsAddressSpec     *spec,
                                  GError           **error);
void     hs_address_spec_clear   (HsAddressSpec     *spec);

/* "2:::0x1f3::0xffff800008000000", "A:0x0000000040200000", "I:2:::0x0041000000". */
char    *hs_address_format       (const HsAddress   *address);
/* Whether [offset, offset + length) wraps past the top of the 64-bit space. */
gboolean hs_address_range_wraps  (guint64            offset,
                                  guint64            length);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsAddressSpec, hs_address_spec_clear)

G_END_DECLS
