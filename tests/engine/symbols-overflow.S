/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * symbols-overflow.S: DWARF 4 written by hand, for test-symbols, with sizes and offsets that
 * overflow 64 bits. A compiler refuses to emit them (no C type may be larger than PTRDIFF_MAX),
 * but a crafted file says whatever it likes. Built for AArch64 by tests/engine/meson.build;
 * never run.
 *
 *   typedef int huge_t[2^32][2^32][2^32];   the element count overflows
 *   typedef int huge2_t[2^62];              the count fits, count × 4 bytes does not
 *   struct far (16 bytes, says its DIE) {
 *     int a;                 at 2^64 - 16: fine, if absurd
 *     int b;                 at 2^64 - 2: ends past 2^64
 *     struct inner;          anonymous, at 2^64 - 16, with x at 32: 2^64 + 16
 *   };
 *   struct inner { int x; }  x at 32
 *
 * and parts that are empty, with no bytes at all to read:
 *
 *   int optimised_out;       DW_AT_location: an empty DW_FORM_exprloc ("optimised out")
 *   struct no_offset {       DW_AT_data_member_location: an empty DW_FORM_block1
 *     int x;
 *   };
 *   a second unit            whose abbreviation table has no attributes at all
 */

#define DW_TAG_array_type      0x01
#define DW_TAG_member          0x0d
#define DW_TAG_compile_unit    0x11
#define DW_TAG_structure_type  0x13
#define DW_TAG_typedef         0x16
#define DW_TAG_subrange_type   0x21
#define DW_TAG_base_type       0x24
#define DW_TAG_variable        0x34

#define DW_AT_location         0x02
#define DW_AT_name             0x03
#define DW_AT_byte_size        0x0b
#define DW_AT_language         0x13
#define DW_AT_count            0x37
#define DW_AT_data_member_location 0x38
#define DW_AT_encoding         0x3e
#define DW_AT_type             0x49

#define DW_FORM_data1          0x0b
#define DW_FORM_data8          0x07
#define DW_FORM_string         0x08
#define DW_FORM_ref4           0x13
#define DW_FORM_block1         0x0a
#define DW_FORM_exprloc        0x18

#define DW_CHILDREN_no         0
#define DW_CHILDREN_yes        1

#define ABBREV_CU              1
#define ABBREV_BASE            2
#define ABBREV_TYPEDEF         3
#define ABBREV_ARRAY           4
#define ABBREV_SUBRANGE        5
#define ABBREV_STRUCT          6
#define ABBREV_MEMBER          7
#define ABBREV_ANON_MEMBER     8
#define ABBREV_VARIABLE        9
#define ABBREV_BLOCK_MEMBER    10

	.text
	.globl	main
	.type	main, %function
main:
	mov	w0, #0
	ret
	.size	main, . - main

	.section .debug_abbrev, "", %progbits
.Labbrev:
	.uleb128 ABBREV_CU
	.uleb128 DW_TAG_compile_unit
	.byte	DW_CHILDREN_yes
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_language, DW_FORM_data1
	.uleb128 0, 0

	.uleb128 ABBREV_BASE
	.uleb128 DW_TAG_base_type
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_byte_size, DW_FORM_data1
	.uleb128 DW_AT_encoding, DW_FORM_data1
	.uleb128 0, 0

	.uleb128 ABBREV_TYPEDEF
	.uleb128 DW_TAG_typedef
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 0, 0

	.uleb128 ABBREV_ARRAY
	.uleb128 DW_TAG_array_type
	.byte	DW_CHILDREN_yes
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 0, 0

	.uleb128 ABBREV_SUBRANGE
	.uleb128 DW_TAG_subrange_type
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_count, DW_FORM_data8
	.uleb128 0, 0

	.uleb128 ABBREV_STRUCT
	.uleb128 DW_TAG_structure_type
	.byte	DW_CHILDREN_yes
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_byte_size, DW_FORM_data8
	.uleb128 0, 0

	.uleb128 ABBREV_MEMBER
	.uleb128 DW_TAG_member
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 DW_AT_data_member_location, DW_FORM_data8
	.uleb128 0, 0

	.uleb128 ABBREV_ANON_MEMBER
	.uleb128 DW_TAG_member
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 DW_AT_data_member_location, DW_FORM_data8
	.uleb128 0, 0

	.uleb128 ABBREV_VARIABLE
	.uleb128 DW_TAG_variable
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 DW_AT_location, DW_FORM_exprloc
	.uleb128 0, 0

	.uleb128 ABBREV_BLOCK_MEMBER
	.uleb128 DW_TAG_member
	.byte	DW_CHILDREN_no
	.uleb128 DW_AT_name, DW_FORM_string
	.uleb128 DW_AT_type, DW_FORM_ref4
	.uleb128 DW_AT_data_member_location, DW_FORM_block1
	.uleb128 0, 0

	.byte	0

.Labbrev_bare:
	.uleb128 ABBREV_CU
	.uleb128 DW_TAG_compile_unit
	.byte	DW_CHILDREN_no
	.uleb128 0, 0
	.byte	0

/* References (DW_FORM_ref4) count from the start of the unit. */
#define REF(label) .4byte label - .Lcu

	.section .debug_info, "", %progbits
.Lcu:
	.4byte	.Lcu_end - .Lcu_version		/* unit_length */
.Lcu_version:
	.2byte	4
	.4byte	.Labbrev
	.byte	8				/* address_size */

	.uleb128 ABBREV_CU
	.asciz	"symbols-overflow.S"
	.byte	0x0c				/* DW_LANG_C99 */

.Lint:
	.uleb128 ABBREV_BASE
	.asciz	"int"
	.byte	4
	.byte	5				/* DW_ATE_signed */

	.uleb128 ABBREV_TYPEDEF
	.asciz	"huge_t"
	REF (.Lhuge)
.Lhuge:
	.uleb128 ABBREV_ARRAY
	REF (.Lint)
	.uleb128 ABBREV_SUBRANGE
	.8byte	0x100000000
	.uleb128 ABBREV_SUBRANGE
	.8byte	0x100000000
	.uleb128 ABBREV_SUBRANGE
	.8byte	0x100000000
	.byte	0

	.uleb128 ABBREV_TYPEDEF
	.asciz	"huge2_t"
	REF (.Lhuge2)
.Lhuge2:
	.uleb128 ABBREV_ARRAY
	REF (.Lint)
	.uleb128 ABBREV_SUBRANGE
	.8byte	0x4000000000000000
	.byte	0

.Linner:
	.uleb128 ABBREV_STRUCT
	.asciz	"inner"
	.8byte	36
	.uleb128 ABBREV_MEMBER
	.asciz	"x"
	REF (.Lint)
	.8byte	32
	.byte	0

	.uleb128 ABBREV_STRUCT
	.asciz	"far"
	.8byte	16
	.uleb128 ABBREV_MEMBER
	.asciz	"a"
	REF (.Lint)
	.8byte	0xfffffffffffffff0
	.uleb128 ABBREV_MEMBER
	.asciz	"b"
	REF (.Lint)
	.8byte	0xfffffffffffffffe
	.uleb128 ABBREV_ANON_MEMBER
	REF (.Linner)
	.8byte	0xfffffffffffffff0
	.byte	0

	.uleb128 ABBREV_VARIABLE
	.asciz	"optimised_out"
	REF (.Lint)
	.uleb128 0				/* an empty expression */

	.uleb128 ABBREV_STRUCT
	.asciz	"no_offset"
	.8byte	4
	.uleb128 ABBREV_BLOCK_MEMBER
	.asciz	"x"
	REF (.Lint)
	.byte	0				/* an empty block */
	.byte	0

	.byte	0				/* end of the CU's children */
.Lcu_end:

.Lcu_bare:
	.4byte	.Lcu_bare_end - .Lcu_bare_version
.Lcu_bare_version:
	.2byte	4
	.4byte	.Labbrev_bare
	.byte	8
	.uleb128 ABBREV_CU			/* no attributes, no children */
.Lcu_bare_end:
