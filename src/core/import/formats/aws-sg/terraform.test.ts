import { describe, expect, it } from "vitest";
import { awsSgImporter } from "./importer.js";
import { allows, files, hostContext, lineOf } from "./test-support.js";

const MAIN = `# Hand-written Terraform, the way teams write it.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "office_cidr" {
  type    = string
  default = "192.168.10.0/24"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
  vpc_id      = var.vpc_id

  ingress {
    description      = "HTTPS"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  egress {
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = ["10.0.0.2/32"] // the VPC resolver
  }

  tags = {
    Name            = "web"
    "rampart:asset" = "web-1"
  }
}

resource "aws_security_group" "app" {
  name = "app"
  tags = { "rampart:asset" = "app-1" }
}

/* Rules as separate resources, the provider's current advice. */
resource "aws_vpc_security_group_ingress_rule" "app_ipsec" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "50"
  cidr_ipv4         = "203.0.113.0/24"
  description       = <<-EOT
    IPsec from the partner
  EOT
}

resource "aws_vpc_security_group_ingress_rule" "app_ping" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "icmp"
  from_port         = 8
  to_port           = -1
  cidr_ipv4         = "10.0.0.0/8"
}

resource "aws_vpc_security_group_egress_rule" "app_to_web" {
  security_group_id            = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "app_ssh" {
  type              = "ingress"
  security_group_id = "\${aws_security_group.app.id}"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["10.99.0.0/24", var.office_cidr]
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  vpc_security_group_ids = [aws_security_group.web.id]
}
`;

const context = () => hostContext("host", ["web-1", "app-1"]);

describe("aws-sg importer on Terraform", () => {
  const r = awsSgImporter.import(files(["main.tf", MAIN]), context());

  it("reads inline rules, separate rule resources and the older aws_security_group_rule", () => {
    expect(allows(r, "tcp", "198.51.100.7", "10.0.1.10", 443)).toBe(true);
    expect(allows(r, "tcp", "2001:db8:ff::1", "2001:db8:1::10", 443)).toBe(true);
    expect(allows(r, "esp", "203.0.113.5", "10.0.2.20")).toBe(true);
    expect(allows(r, "icmp", "10.9.9.9", "10.0.2.20", 8, 3)).toBe(true);
    expect(allows(r, "icmp", "10.9.9.9", "10.0.2.20", 0)).toBe(false);
    expect(allows(r, "tcp", "10.99.0.4", "10.0.2.20", 22)).toBe(true);
    expect(allows(r, "udp", "10.0.1.10", "10.0.0.2", 53)).toBe(true);
  });

  it("models group references as the addresses of the host carrying the group", () => {
    expect(allows(r, "tcp", "10.0.2.20", "10.0.1.10", 8080)).toBe(true);
    expect(allows(r, "tcp", "10.0.2.21", "10.0.1.10", 8080)).toBe(false);
  });

  it("reports what it cannot evaluate or does not read, each at its line", () => {
    const blocks = r.diagnostics.filter((d) => d.message.endsWith("is ignored: it does not filter traffic"));
    expect(blocks.map((d) => d.message)).toEqual([
      'Block "terraform" is ignored: it does not filter traffic',
      'Block "variable" is ignored: it does not filter traffic',
    ]);
    const rest = r.diagnostics.filter((d) => !blocks.includes(d));
    expect(rest.map((d) => [d.code, d.line, d.message])).toEqual([
      [
        "config-unsupported",
        lineOf(MAIN, "var.office_cidr]"),
        'Cannot evaluate an entry of "cidr_blocks": it is a reference to "var.office_cidr"',
      ],
      ["config-ignored", lineOf(MAIN, 'resource "aws_instance"'), 'Resource aws_instance "web" is ignored'],
    ]);
  });

  it("takes the description from a heredoc and the source line from the CIDR", () => {
    const ipsec = r.rules.find((x) => x.label === "IPsec from the partner\n")!;
    expect(ipsec.source).toEqual({
      file: "main.tf",
      line: lineOf(MAIN, '"203.0.113.0/24"'),
      text: 'cidr_ipv4         = "203.0.113.0/24"',
    });
    expect(ipsec.list).toBe("app ingress");
  });
});

function importTf(text: string) {
  return awsSgImporter.import(files(["sg.tf", text]), hostContext("host", ["web-1"]));
}

const SG = `resource "aws_security_group" "web" {
  tags = { "rampart:asset" = "web-1" }
}
`;

describe("aws-sg importer Terraform variants", () => {
  it("reads rules given as an attribute list", () => {
    const r = importTf(`resource "aws_security_group" "web" {
  ingress = [{ from_port = 22, to_port = 22, protocol = "tcp", cidr_blocks = ["10.0.0.0/8"] }]
  egress = [
    { from_port = 0, to_port = 0, protocol = "-1", cidr_blocks = ["0.0.0.0/0"] },
  ]
  tags = { "rampart:asset" = "web-1" }
}
`);
    expect(r.diagnostics).toEqual([]);
    expect(allows(r, "tcp", "10.1.1.1", "10.0.1.10", 22)).toBe(true);
    expect(allows(r, "gre", "10.0.1.10", "192.0.2.1")).toBe(true);
  });

  it("reports count, for_each, dynamic blocks, modules and references it cannot follow", () => {
    const text = `${SG}
resource "aws_vpc_security_group_ingress_rule" "many" {
  count             = 3
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = cidrsubnet("10.0.0.0/8", 8, count.index)
}

resource "aws_vpc_security_group_ingress_rule" "elsewhere" {
  security_group_id = module.network.sg_id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "other" {
  security_group_id = aws_security_group.missing.id
  ip_protocol       = "-1"
  prefix_list_id    = "pl-123"
}

module "network" {
  source = "./network"
}

resource "aws_security_group" "dyn" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
    }
  }
}
`;
    const r = importTf(text);
    const at = (needle: string) => lineOf(text, needle);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-unsupported", at("count ")],
      ["config-unsupported", at("cidrsubnet")],
      ["config-unsupported", at("module.network.sg_id")],
      ["config-unsupported", at("aws_security_group.missing")],
      ["config-unsupported", at('module "network"')],
      ["config-unsupported", at('resource "aws_security_group" "dyn"')],
      ["config-unsupported", at("dynamic")],
    ]);
    expect(r.diagnostics[1]!.message).toBe(
      'Cannot evaluate "cidr_ipv4": it is a call of function "cidrsubnet"',
    );
    expect(allows(r, "tcp", "10.1.1.1", "10.0.1.10", 80)).toBe(false);
  });

  it("recovers from a syntax error at the next top-level block", () => {
    const text = `resource "aws_security_group" "broken" {
  name = "x" "y"
}

${SG}
resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  ip_protocol = "tcp"
  from_port = 443
  to_port = 443
  cidr_ipv4 = "0.0.0.0/0"
}
`;
    const r = importTf(text);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["config-syntax", 2, 14]]);
    expect(r.diagnostics[0]!.message).toBe(
      'Cannot parse Terraform: Expected a new line after attribute "name", not a string; skipped to the next block',
    );
    expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 443)).toBe(true);
  });

  it("reports a rule with no or several sources, and one without a protocol", () => {
    const text = `${SG}
resource "aws_vpc_security_group_ingress_rule" "none" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 1
  to_port           = 2
}

resource "aws_vpc_security_group_ingress_rule" "two" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "-1"
  cidr_ipv4         = "10.0.0.0/8"
  cidr_ipv6         = "::/0"
}

resource "aws_security_group_rule" "noproto" {
  type              = "egress"
  security_group_id = aws_security_group.web.id
  cidr_blocks       = ["0.0.0.0/0"]
}
`;
    const r = importTf(text);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["config-syntax", lineOf(text, '"none"')],
      ["config-syntax", lineOf(text, '"two"')],
      ["config-syntax", lineOf(text, '"noproto"')],
    ]);
    expect(r.rules).toEqual([]);
  });

  it("reads self and the legacy source_security_group_id", () => {
    const r = awsSgImporter.import(
      files([
        "sg.tf",
        `resource "aws_security_group" "web" {
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
  tags = { "rampart:asset" = "web-1" }
}

resource "aws_security_group" "app" {
  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { "rampart:asset" = "app-1" }
}

resource "aws_security_group_rule" "from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.web.id
  source_security_group_id = aws_security_group.app.id
  protocol                 = "udp"
  from_port                = 161
  to_port                  = 162
}
`,
      ]),
      hostContext("host", ["web-1", "app-1"]),
    );
    expect(r.diagnostics).toEqual([]);
    expect(allows(r, "tcp", "2001:db8:1::10", "2001:db8:1::10", 9999)).toBe(false);
    expect(allows(r, "udp", "10.0.2.20", "10.0.1.10", 162)).toBe(true);
    expect(allows(r, "udp", "10.0.2.20", "10.0.1.10", 163)).toBe(false);
  });
});

describe("aws-sg importer with JSON and Terraform together", () => {
  const json = `{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web",
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "IpPermissionsEgress": [], "Tags": [{"Key": "rampart:asset", "Value": "web-1"}]}]}`;
  const tf = (port: number) => `${SG}
resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = ${port}
  to_port           = ${port}
  cidr_ipv4         = "0.0.0.0/0"
}
`;

  it("is silent when both say the same", () => {
    const r = awsSgImporter.import(
      files(["p.sg.json", json], ["p.tf", tf(443)]),
      hostContext("host", ["web-1"]),
    );
    expect(r.diagnostics).toEqual([]);
  });

  it("returns the JSON's answer and an error naming a difference when they disagree", () => {
    const r = awsSgImporter.import(
      files(["p.sg.json", json], ["p.tf", tf(444)]),
      hostContext("host", ["web-1"]),
    );
    expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 443)).toBe(true);
    expect(allows(r, "tcp", "192.0.2.1", "10.0.1.10", 444)).toBe(false);
    expect(r.diagnostics.map((d) => [d.severity, d.file, d.message])).toEqual([
      [
        "error",
        "p.tf",
        'The Terraform ("p.tf") and the security groups of "p.sg.json" differ: only the JSON allows tcp/443 from 0.0.0.0-10.0.1.9, 10.0.1.11-255.255.255.255 to 10.0.1.10; the JSON is used',
      ],
    ]);
  });
});
