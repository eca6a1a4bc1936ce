/// A realm written exactly as RFC 0001's examples show it (comments, a
/// machine `path`, flow maps included), plus one plain repos file: what
/// another tool of the RFC would write.
enum RFCExamples {
    static let files: [String: String] = [
        "realm.yaml": """
        name: letemcook
        version: "1.0.0"
        created_at: 2026-01-24T10:00:00Z
        governance:
          admission: approval         # open | approval | invite-only
          approvers:
            - eric@example.com
          breaking_changes:
            require_approval: true
            grace_period_days: 14
        trust:
          mode: collaborative         # collaborative | vendor-customer | federation
          require_signed_commits: false
          permissions:
            repos/{repo}.yaml: [repo_maintainers]
            domains/{domain}/domain.yaml: [domain_owners]
            domains/{domain}/contracts/{name}.yaml: [contract_owner]
            domains/{domain}/bindings/{repo}.yaml: [repo_maintainers]

        """,
        "repos/aperture.yaml": """
        name: aperture
        org: cultivarium              # Optional org prefix
        path: /Users/ericg/letemcook/aperture
        # Or remote:
        # url: git@github.com:cultivarium/aperture.git
        maintainers:
          - eric@example.com
        joined_at: 2026-01-24T10:00:00Z

        """,
        "repos/fungal-image-analysis.yaml": "name: fungal-image-analysis\nurl: git@github.com:cultivarium/fungal-image-analysis.git\nmaintainers: []\n",
        "domains/s3-access/domain.yaml": """
        name: s3-access
        description: Coordinates S3 bucket access between aperture and fungal
        created_at: 2026-01-24T10:00:00Z
        members:
          - aperture
          - fungal-image-analysis

        """,
        "domains/s3-access/contracts/s3-permissions.yaml": """
        name: s3-permissions
        version: "1.4.0"
        owner: aperture                # Only this repo can modify the contract

        compatibility:
          backwards: true              # New version readable by old importers
          forwards: false              # Old version NOT readable by new importers

        schema:
          type: object
          required: [read]
          properties:
            read:
              type: array
              items: { type: string }
            write:
              type: array
              items: { type: string }
              default: []
            delete:
              type: array
              items: { type: string }
              default: []

        value:
          read:
            - "jobs/*/masks/*"
            - "jobs/*/*/config.json"
            - "training-runs/*"
            - "training-metrics/*"
          write:
            - "jobs/*/*/manifest.json"
            - "training-metrics/*"
          delete: []

        validation:
          exporter: scripts/validate-s3-paths.sh
          importer: scripts/validate-iam-policy.sh
          ci_only:
            - scripts/integration-test.sh

        evolution:
          - version: "1.0.0"
            changes: ["Initial with read array"]
            compatible: true
          - version: "1.3.0"
            changes: ["Added write array"]
            compatible: true
          - version: "1.4.0"
            changes: ["Added delete array"]
            compatible: true

        """,
        "domains/s3-access/bindings/aperture.yaml": """
        repo: aperture
        role: provider

        exports:
          - contract: s3-permissions
            source_files:
              - models/training/s3_paths.py
              - models/shared/data/parquet_export.py

        """,
        "domains/s3-access/bindings/fungal-image-analysis.yaml": """
        repo: fungal-image-analysis
        role: consumer

        imports:
          - contract: s3-permissions
            version: ">=1.0.0, <2.0.0"    # Semver range
            binding: cdk/training_tools_access_stack.py
            status: current
            resolved_version: "1.4.0"
            resolved_at: 2026-01-24T12:00:00Z

        """,
    ]
}
