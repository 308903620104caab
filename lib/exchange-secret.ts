import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Options for the exchange credentials secret. */
export interface ExchangeSecretProps {
  /** Exchange id the keys belong to (recorded in the placeholder so an operator sees what to fill in). */
  readonly exchangeId: string;
}

/**
 * Exchange API credentials for LIVE mode, created as a placeholder JSON document
 * `{ exchange, apiKey: "", secret: "" }` plus a generated `placeholder` marker. The operator puts the real keys
 * in after deploy; until then the execution function cannot trade LIVE. Retained on stack deletion.
 */
export class ExchangeSecret extends Construct {
  /** The secret; read access is granted per function. */
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: ExchangeSecretProps) {
    super(scope, id);
    if (!/^[a-z0-9]+$/.test(props.exchangeId)) {
      throw new Error(`ExchangeSecret: exchangeId "${props.exchangeId}" is not a ccxt exchange id (lower-case letters and digits)`);
    }
    this.secret = new Secret(this, 'Secret', {
      description: `Stratus: ${props.exchangeId} API credentials for LIVE trading (replace apiKey/secret after deploy)`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ exchange: props.exchangeId, apiKey: '', secret: '' }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Exchange API keys are issued by the exchange, which offers no rotation API Secrets Manager could call; the operator rotates them on the exchange and updates the secret.',
    });
  }
}
