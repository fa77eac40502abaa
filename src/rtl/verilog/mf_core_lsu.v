// mf_core_lsu: byte-lane logic of mf_core's loads and stores (combinational).
//
// Stores: the rs2 byte / halfword is replicated over the word (so it sits in every lane it can
// go to) and dmem_be selects the lane(s) from the low address bits. Loads: the same lanes are
// reported in be, and the byte / halfword is picked from dmem_rdata by the low address bits and
// sign- (LB, LH) or zero-extended (LBU, LHU). misaligned: a halfword at an odd address or a word
// at an address not a multiple of 4 (mf_core faults on it instead of accessing memory).
module mf_core_lsu (
    input  wire [2:0]  funct3,     // LB LH LW LBU LHU / SB SH SW
    input  wire [1:0]  addr_lo,
    input  wire [31:0] store_data, // rs2
    input  wire [31:0] rdata,      // dmem_rdata
    output reg  [3:0]  be,
    output reg  [31:0] wdata,
    output reg  [31:0] load_data,
    output wire        misaligned
);
    wire [1:0] size = funct3[1:0];   // 0 byte, 1 half, 2 word
    assign misaligned = ((size == 2'd1) & addr_lo[0]) | ((size == 2'd2) & (addr_lo != 2'd0));

    always @(*) begin
        case (size)
            2'd0:    begin be = 4'b0001 << addr_lo;             wdata = {4{store_data[7:0]}};  end
            2'd1:    begin be = addr_lo[1] ? 4'b1100 : 4'b0011; wdata = {2{store_data[15:0]}}; end
            default: begin be = 4'b1111;                        wdata = store_data;            end
        endcase
    end

    reg [7:0]  byte_sel;
    wire [15:0] half_sel = addr_lo[1] ? rdata[31:16] : rdata[15:0];
    always @(*) begin
        case (addr_lo)
            2'd0:    byte_sel = rdata[7:0];
            2'd1:    byte_sel = rdata[15:8];
            2'd2:    byte_sel = rdata[23:16];
            default: byte_sel = rdata[31:24];
        endcase
        case (size)
            2'd0:    load_data = {{24{~funct3[2] & byte_sel[7]}}, byte_sel};
            2'd1:    load_data = {{16{~funct3[2] & half_sel[15]}}, half_sel};
            default: load_data = rdata;
        endcase
    end
endmodule
