// mf_router_route: route computation of the meshforge mesh router (combinational).
//
// Output `port` is one-hot over the router ports: bit 0 local, 1 north (y - 1), 2 east (x + 1),
// 3 south (y + 1), 4 west (x - 1). All three algorithms are minimal (every hop reduces the
// Manhattan distance by one) and deterministic (a function of the current and destination
// coordinates only), so packets of one (source, destination, VC) arrive in order.
//
//   ROUTING 0, XY: east/west until x matches, then north/south. A packet never turns from the
//     y dimension into the x dimension.
//   ROUTING 1, YX: north/south first, then east/west. A packet never turns from x into y.
//   ROUTING 2, west-first: all west hops first (dst_x < my_x: west). Afterwards the packet goes
//     east, north or south, never west again: once dst_x >= x, no minimal hop makes x > dst_x.
//     When both east and one of north/south are productive, the choice is deterministic:
//     east where (my_x + my_y) is even, north/south where it is odd. Each hop flips that parity,
//     so the packet alternates x and y hops (a staircase along the diagonal of the bounding box
//     instead of XY's L), which spreads traffic over more links than XY or YX do.
//   Other values: XY.
//
// Deadlock freedom (turn model, Glass & Ni, ISCA 1992): in a 2D mesh the channel dependencies
// can only form cycles through the two abstract cycles of four turns (clockwise and
// counter-clockwise). Prohibiting at least one turn of each cycle makes the channel dependency
// graph acyclic, and a wormhole network with an acyclic channel dependency graph cannot deadlock
// (Dally & Seitz 1987). XY prohibits the four y->x turns (N->E, N->W, S->E, S->W), YX the four
// x->y turns; west-first prohibits only the two turns into west (N->W, S->W), one per abstract
// cycle, and allows everything else. The router keeps a packet on its VC number from source to
// destination, so each VC is a separate network with the same acyclic graph, and the network
// interface always consumes ejected packets, so every dependency chain ends in a sink.
module mf_router_route #(
  parameter ROUTING = 0
) (
  input  wire [7:0] my_x,
  input  wire [7:0] my_y,
  input  wire [7:0] dst_x,
  input  wire [7:0] dst_y,
  output reg  [4:0] port
);
  localparam [4:0] P_LOCAL = 5'b00001;
  localparam [4:0] P_NORTH = 5'b00010;
  localparam [4:0] P_EAST  = 5'b00100;
  localparam [4:0] P_SOUTH = 5'b01000;
  localparam [4:0] P_WEST  = 5'b10000;

  wire go_e = dst_x > my_x;
  wire go_w = dst_x < my_x;
  wire go_n = dst_y < my_y;
  wire go_s = dst_y > my_y;
  wire [4:0] p_x = go_e ? P_EAST : P_WEST;   // meaningful when go_e | go_w
  wire [4:0] p_y = go_n ? P_NORTH : P_SOUTH; // meaningful when go_n | go_s
  wire parity_odd = my_x[0] ^ my_y[0];

  always @* begin
    if (ROUTING == 1) begin          // YX
      if (go_n || go_s)      port = p_y;
      else if (go_e || go_w) port = p_x;
      else                   port = P_LOCAL;
    end else if (ROUTING == 2) begin // west-first
      if (go_w)                          port = P_WEST;
      else if (go_e && (go_n || go_s))   port = parity_odd ? p_y : P_EAST;
      else if (go_e)                     port = P_EAST;
      else if (go_n || go_s)             port = p_y;
      else                               port = P_LOCAL;
    end else begin                   // XY
      if (go_e || go_w)      port = p_x;
      else if (go_n || go_s) port = p_y;
      else                   port = P_LOCAL;
    end
  end
endmodule
