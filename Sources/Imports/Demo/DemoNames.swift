/// Name catalogues of the demo firm (French, as in the product pages).
enum DemoNames {
    static let regions = [
        "Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Nouvelle-Aquitaine", "Hauts-de-France", "Grand Est",
        "Bretagne", "Normandie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
    ]
    static let cities = [
        "Paris", "Lyon", "Toulouse", "Bordeaux", "Lille", "Strasbourg", "Rennes", "Rouen", "Nantes", "Marseille",
        "Grenoble", "Montpellier", "Limoges", "Amiens", "Metz", "Brest", "Caen", "Angers", "Nice", "Dijon",
        "Annecy", "Nîmes", "Pau", "Arras", "Nancy", "Vannes", "Le Havre", "Tours", "Toulon", "Besançon",
    ]
    static let districts = ["Centre", "Nord", "Sud", "Est", "Ouest", "Gare", "Port", "Vieux-Bourg", "Parc", "Europe"]
    static let firstNames = [
        "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Louise", "Claire", "Anne", "Sophie",
        "Lucas", "Hugo", "Thomas", "Nicolas", "Julien", "Antoine", "Maxime", "Pierre", "Paul", "Louis", "Mathieu",
        "Karim", "Yasmine", "Nadia", "Mehdi", "Amina", "Olivier", "Isabelle", "Nathalie", "Stéphane", "Céline",
    ]
    static let lastNames = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
        "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
        "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
        "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Dupuis",
    ]
    static let trades = [
        "Boulangerie", "Pharmacie", "Garage", "Menuiserie", "Plomberie", "Restaurant", "Café", "Librairie",
        "Fleuriste", "Boucherie", "Coiffure", "Transports", "Architecture", "Imprimerie", "Électricité",
        "Cabinet médical", "Pressing", "Épicerie", "Hôtel", "Maçonnerie", "Conseil", "Informatique", "Couverture",
        "Auto-école", "Opticien", "Traiteur", "Paysagiste", "Vétérinaire", "Agence immobilière", "Cave",
    ]
    static let legalForms = ["SARL", "SAS", "EURL", "SCI", "SASU", "SNC", "EI"]
    static let brands = [
        "Horizon", "Atlantique", "Les Tilleuls", "du Centre", "Saint-Michel", "des Alpes", "Azur", "du Port",
        "Bel Air", "Les Pins", "Océane", "du Marché", "Renaissance", "Soleil", "des Halles", "Lumière",
    ]
    static let categories = ["TPE", "PME", "Profession libérale", "Association", "SCI", "Artisan", "Commerçant"]
    static let suppliers = [
        "EDF", "Engie", "TotalEnergies", "Orange", "SFR", "Bouygues Telecom", "Free Pro", "SNCF", "Air France",
        "Metro", "Leroy Merlin", "Castorama", "Bureau Vallée", "Office Depot", "Amazon Business", "Cdiscount Pro",
        "La Poste", "Chronopost", "DHL", "UPS", "AXA", "MAAF", "Groupama", "Allianz", "Crédit Agricole",
        "BNP Paribas", "Société Générale", "LCL", "Banque Populaire", "Qonto", "Shell", "Esso", "Vinci Autoroutes",
        "Sanef", "Total Wash", "Point S", "Norauto", "Feu Vert", "Brake France", "Pomona", "Transgourmet",
        "Sysco", "Promocash", "Carrefour", "Auchan", "Leclerc", "Intermarché", "Lidl", "Boulanger", "Darty",
        "Fnac Pro", "Dell", "HP", "Lenovo", "Microsoft", "Google Workspace", "OVHcloud", "Adobe", "Sage",
        "Cegid", "Pennylane", "Indy", "Swile", "Edenred", "Pluxee", "Urssaf", "Malakoff Humanis", "AG2R",
        "Manutan", "Würth", "Rexel", "Sonepar", "Point P", "Gedimat", "Kiloutou", "Loxam", "Veolia", "Suez",
        "Elis", "Initial", "Sodexo", "Uber", "G7", "Hertz", "Europcar", "Ikea", "Conforama", "But",
        "Le Bon Coin Pro", "Vistaprint", "Canva", "Zoom", "Slack", "Doctolib", "Qonto Card", "Stripe", "SumUp",
        "PayPal", "Alan", "Hiscox", "Legalstart", "Captain Contrat", "Ouest-France", "Le Monde", "Pôle emploi",
    ]
    static let disputeReasons = [
        "Prestation contestée", "Erreur de facturation", "Retard de livraison", "Montant erroné", "Doublon",
        "Litige qualité", "Bon de commande manquant",
    ]
    static let disputeOutcomes = [
        "Avoir émis", "Réclamation rejetée", "Paiement reçu", "Geste commercial", "Refacturation",
    ]
    static let exposureKinds = ["BILL_DISCOUNTED", "LCR_NOT_MATURED", "FACTORING_RECOURSE", "GUARANTEE"]
    static let offerTypes = ["Lettre de mission", "Proposition commerciale", "Avenant"]
    static let offerTemplates = [
        "LM-Tenue-Révision", "LM-Social-Paie", "LM-Création", "LM-Juridique", "PROP-Conseil", "PROP-Audit",
        "AV-Extension",
    ]
    static let eventNotes = [
        "Client injoignable", "Promesse de règlement", "Message laissé", "Relance envoyée", "Échéancier proposé",
        "Attente bon à payer",
    ]

    /// A company name: "Boulangerie Martin", "SARL Dupuis Frères", "SCI Horizon".
    static func company(_ random: inout Xoshiro256) -> String {
        switch random.below(4) {
        case 0: "\(random.pick(Self.trades)) \(random.pick(Self.lastNames))"
        case 1:
            "\(random.pick(Self.legalForms)) \(random.pick(Self.lastNames)) \(random.chance(0.3) ? "Frères" : "& Fils")"
        case 2: "\(random.pick(Self.legalForms)) \(random.pick(Self.brands))"
        default: "\(random.pick(Self.trades)) \(random.pick(Self.brands))"
        }
    }

    /// A person's name.
    static func person(_ random: inout Xoshiro256) -> String {
        "\(random.pick(Self.firstNames)) \(random.pick(Self.lastNames))"
    }

    /// `prefix` followed by `number` zero-padded to `width` digits.
    static func id(_ prefix: String, _ number: Int, width: Int = 5) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
